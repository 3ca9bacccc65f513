import { bodiless } from './answers.js';
import type { HttpContext } from './HttpContext.js';
import type { HttpRoute } from './types.js';

/** `GET /metrics`: the Prometheus metrics, with each worker's CPU time read at the scrape. */
export function createMetricsRoute(ctx: Pick<HttpContext, 'metrics' | 'workerUsage'>): HttpRoute {
  return async () =>
    bodiless(async () => {
      for (const u of await ctx.workerUsage())
        ctx.metrics.workerCpu.set({ pid: String(u.pid) }, u.cpuSeconds);
      return {
        status: 200,
        contentType: ctx.metrics.registry.contentType,
        body: await ctx.metrics.registry.metrics(),
      };
    });
}
