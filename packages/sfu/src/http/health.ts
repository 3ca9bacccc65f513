import { bodiless, jsonAnswer } from './answers.js';
import type { HttpContext } from './HttpContext.js';
import type { HttpRoute } from './types.js';

/** `GET /healthz`: whether the server is up, with its rooms, participants and workers. */
export function createHealthRoute(ctx: Pick<HttpContext, 'counts'>): HttpRoute {
  return async () =>
    bodiless(async () => {
      const { rooms, participants, workers, cluster } = ctx.counts();
      // A node cut off from Redis still serves its own participants, but not the cluster's joins.
      return jsonAnswer(200, {
        status: cluster && !cluster.connected ? 'degraded' : 'ok',
        rooms,
        participants,
        workers,
        ...(cluster && { cluster }),
      });
    });
}
