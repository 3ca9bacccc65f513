import { createAdminRoutes } from './admin.js';
import { rateLimitedAnswer, textAnswer } from './answers.js';
import { createDemoRoutes } from './demo.js';
import { createHandoutRoutes } from './handouts.js';
import { createHealthRoute } from './health.js';
import type { HttpContext } from './HttpContext.js';
import { createMetricsRoute } from './metrics.js';
import { createNoticeRoutes } from './notices.js';
import { createRecordingRoutes } from './recordings.js';
import { createStaticRoute } from './static.js';
import type { HttpAnswer, HttpDecision, HttpRequestHead, HttpRoute } from './types.js';

/**
 * The calls an embedder's page (on another origin) and its service worker make: notices, push
 * devices, email preferences. They carry bearer tokens, never cookies, so any origin may call them.
 */
const isPageApi = (path: string) =>
  path.startsWith('/api/push/') ||
  path.startsWith('/api/notices/') ||
  path.startsWith('/api/email/');
const CORS = { 'access-control-allow-origin': '*' };
const PREFLIGHT = {
  ...CORS,
  'access-control-allow-methods': 'GET, POST, PUT, DELETE',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '86400',
};

/** Recordings' media is fetched with ranges, too, and conditionally. */
const RECORDINGS_PREFLIGHT = {
  ...PREFLIGHT,
  'access-control-allow-methods': 'GET, HEAD, POST, DELETE',
  'access-control-allow-headers':
    'authorization, content-type, range, if-range, if-none-match, if-modified-since',
};
const isRecordingsApi = (path: string) =>
  path === '/api/recordings' || path.startsWith('/api/recordings/');

/** Adds the CORS header to what a page-API route answers. */
function withCors(decision: HttpDecision): HttpDecision {
  const add = (a: HttpAnswer): HttpAnswer => ({ ...a, headers: { ...a.headers, ...CORS } });
  if ('answer' in decision) return { answer: add(decision.answer) };
  return { body: decision.body, handle: async (req) => add(await decision.handle(req)) };
}

/**
 * The server's HTTP side: health and metrics; when `demo` is on, the demo API that creates a
 * class and mints its tokens; the admin and handout APIs; and the demo app's static files when
 * `staticDir` is set. Requests without a credential, and those answered 401, draw from their
 * address's allowance in `limits`; an address that has spent it gets 429.
 */
export function createHttpRoutes(ctx: HttpContext): HttpRoute {
  const health = createHealthRoute(ctx);
  const metrics = createMetricsRoute(ctx);
  const demo = createDemoRoutes(ctx);
  const admin = createAdminRoutes(ctx);
  const handouts = createHandoutRoutes(ctx);
  const notices = createNoticeRoutes(ctx);
  const recordings = createRecordingRoutes(ctx);
  const staticFiles = createStaticRoute(ctx);

  async function route(head: HttpRequestHead): Promise<HttpDecision> {
    const { method, path } = head;
    if (method === 'GET' && path === '/healthz') return health(head);
    if (method === 'GET' && path === '/metrics') return metrics(head);
    if (path.startsWith('/api/demo/')) return demo(head);
    if (path.startsWith('/api/admin/')) return admin(head);
    if (path.startsWith('/api/handouts')) return handouts(head);
    if (isPageApi(path)) {
      if (method === 'OPTIONS')
        return { answer: { status: 204, contentType: 'text/plain', body: '', headers: PREFLIGHT } };
      return withCors(await notices(head));
    }
    if (isRecordingsApi(path)) {
      if (method === 'OPTIONS')
        return {
          answer: {
            status: 204,
            contentType: 'text/plain',
            body: '',
            headers: RECORDINGS_PREFLIGHT,
          },
        };
      return withCors(await recordings(head));
    }
    if (method === 'GET') return staticFiles(head);
    return { answer: textAnswer(404, 'not found') };
  }

  return async (head) => {
    const address = head.remoteAddress;
    // Only the routes that check a credential are spared for carrying one (a header on /healthz
    // proves nothing).
    const checksCredential =
      head.path.startsWith('/api/admin/') ||
      head.path.startsWith('/api/handouts') ||
      isRecordingsApi(head.path) ||
      head.path.startsWith('/api/push/subscriptions') ||
      head.path.startsWith('/api/notices/') ||
      head.path.startsWith('/api/email/');
    const credential =
      checksCredential &&
      (head.headers['authorization'] !== undefined ||
        head.query.has('token') ||
        head.query.has('receipt'));
    // The demo app's own files are exempt: 300 students behind one NAT address open the page at
    // the start of class, and a file read costs less than the bucket would save.
    const staticFile =
      head.method === 'GET' &&
      ctx.config.staticDir !== undefined &&
      !head.path.startsWith('/api/') &&
      head.path !== '/healthz' &&
      head.path !== '/metrics';
    // A credential is not even checked once its address has spent its allowance of wrong ones:
    // guessing tokens is slowed like unauthenticated requests, valid ones are never held up.
    const refused = credential
      ? ctx.limits.wrongCredentialsSpent(address)
      : !staticFile && !ctx.limits.takeHttp(address);
    if (refused) {
      return {
        answer: rateLimitedAnswer(
          'too many requests from your address; try again in a few seconds',
        ),
      };
    }
    // A wrong credential costs what none does: guessing tokens draws from the same allowance.
    const charge = (answer: HttpAnswer) => {
      if (credential && answer.status === 401) {
        ctx.limits.takeHttp(address);
        ctx.limits.takeWrongCredential(address);
      }
      return answer;
    };
    const decision = await route(head);
    if ('answer' in decision) return { answer: charge(decision.answer) };
    return { body: decision.body, handle: async (req) => charge(await decision.handle(req)) };
  };
}
