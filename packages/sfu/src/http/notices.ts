import { z } from 'zod';
import { CosmoError, ErrorCode, toCosmoError } from '@cosmo/core';
import { checkPushEndpoint, type Notice, type School } from '@cosmo/school';
import { verifyAdminToken, verifyReceiptToken } from '../tokens.js';
import { parseJsonBody } from './jsonBody.js';
import { errorAnswer, jsonAnswer } from './answers.js';
import { echo } from './echo.js';
import type { HttpContext } from './HttpContext.js';
import type { HttpAnswer, HttpRequest, HttpRoute } from './types.js';

/** A subscription or a receipt is a few hundred bytes. */
const MAX_BODY_BYTES = 16 * 1024;

const Subscription = z.object({
  endpoint: z.string().min(1).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
  device: z.string().max(120).optional(),
});
const Preferences = z.object({ notifyEmail: z.enum(['all', 'fallback', 'none']) });
const Receipt = z.object({
  kind: z.enum(['delivered', 'read']),
  via: z.enum(['live', 'push', 'email']).optional(),
});

/** What a recipient sees of a notice. */
const noticeView = (n: Notice) => ({
  id: n.id,
  title: n.title,
  body: n.body,
  urgent: n.urgent,
  senderName: n.senderName,
  sentAt: n.sentAt,
});

/**
 * A student's notices and devices over HTTP, for the service worker and the inbox page:
 * - `GET /api/push/key`: the VAPID public key to subscribe with;
 * - `GET|POST|DELETE /api/push/subscriptions`: the person's own devices (join token as Bearer);
 * - `GET /api/notices/:id`, `POST /api/notices/:id/receipts`: one notice and its receipts, with
 *   the notice's receipt token (from a push or an email's link) or a join token;
 * - `GET /api/notices/:id/recipients`: how it reached each recipient, for its sender (join
 *   token) or an admin (admin token);
 * - `GET|PUT /api/email/preferences`: the person's own `notifyEmail` (join token);
 * - `POST /api/email/opt-out?receipt=TOKEN`: an email's one-click opt-out (RFC 8058).
 */
export function createNoticeRoutes(
  ctx: Pick<HttpContext, 'school' | 'tokens' | 'logger' | 'push'>,
): HttpRoute {
  /** The person behind a join token. */
  async function member(req: HttpRequest): Promise<string> {
    return (await ctx.tokens.verify(bearer(req))).identity;
  }

  /** The person a notice route acts for: a receipt token (for that notice only) or a join token. */
  async function recipient(
    req: HttpRequest,
    noticeId: string,
  ): Promise<{ personId: string; byReceipt: boolean }> {
    const token = bearer(req) ?? req.query.get('receipt') ?? undefined;
    try {
      const claims = await verifyReceiptToken(ctx.tokens, token);
      if (claims.noticeId !== noticeId)
        throw new CosmoError(ErrorCode.NOT_AUTHORIZED, 'the receipt token is for another notice');
      return { personId: claims.personId, byReceipt: true };
    } catch (err) {
      try {
        return { personId: (await ctx.tokens.verify(token)).identity, byReceipt: false };
      } catch {
        throw err;
      }
    }
  }

  async function handle(school: School, req: HttpRequest): Promise<HttpAnswer> {
    const { method, path } = req;
    let m: RegExpExecArray | null;
    if (path === '/api/push/subscriptions') {
      const push = ctx.push;
      if (!push) throw new CosmoError(ErrorCode.UNAVAILABLE, 'Web Push is off on this server');
      const personId = await member(req);
      if (method === 'GET') {
        const devices = school.repos.pushSubscriptions
          .forPerson(personId)
          .map(({ endpoint, device, createdAt }) => ({ endpoint, device, createdAt }));
        return jsonAnswer(200, { devices });
      }
      if (method === 'POST') {
        const sub = parseJsonBody(Subscription, req);
        checkPushEndpoint(sub.endpoint, push.endpointHosts);
        const saved = school.subscribePush(personId, {
          endpoint: sub.endpoint,
          p256dh: sub.keys.p256dh,
          auth: sub.keys.auth,
          ...(sub.device !== undefined ? { device: sub.device } : {}),
        });
        return jsonAnswer(201, { id: saved.id, device: saved.device });
      }
      if (method === 'DELETE') {
        const endpoint = req.query.get('endpoint') ?? '';
        if (!endpoint)
          throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'endpoint: which device to forget');
        return jsonAnswer(200, { removed: school.unsubscribePush(personId, endpoint) });
      }
    }
    if (path === '/api/email/preferences') {
      const personId = await member(req);
      if (method === 'PUT')
        school.updateContact(personId, {
          notifyEmail: parseJsonBody(Preferences, req).notifyEmail,
        });
      if (method === 'GET' || method === 'PUT') {
        const c = school.contactOf(personId);
        // The addresses are the school's records: the student sees whether there are any.
        return jsonAnswer(200, {
          notifyEmail: c.notifyEmail,
          addresses: [c.email, c.guardianEmail].filter(Boolean).length,
        });
      }
    }
    if (method === 'POST' && path === '/api/email/opt-out') {
      // RFC 8058 one-click: the mail client POSTs `List-Unsubscribe=One-Click` to the link of the
      // List-Unsubscribe header, whose receipt token names the person.
      const { personId } = await verifyReceiptToken(
        ctx.tokens,
        req.query.get('receipt') ?? bearer(req),
      );
      school.updateContact(personId, { notifyEmail: 'none' });
      return {
        status: 200,
        contentType: 'text/plain; charset=utf-8',
        body: 'You will get no more emails about notices. The classroom still shows them.\n',
      };
    }
    if ((m = /^\/api\/notices\/([^/]+)(\/receipts|\/recipients)?$/.exec(path))) {
      const id = decodeURIComponent(m[1]!);
      if (method === 'GET' && !m[2]) {
        const { personId } = await recipient(req, id);
        return jsonAnswer(200, { notice: noticeView(school.noticeFor(id, personId)) });
      }
      if (method === 'POST' && m[2] === '/receipts') {
        const { personId, byReceipt } = await recipient(req, id);
        const { kind, via } = parseJsonBody(Receipt, req);
        // A receipt token came with a push or an email; the page it opens says which.
        const r = await school.receipt(personId, id, kind, via ?? (byReceipt ? 'push' : 'live'));
        return jsonAnswer(200, { receipts: r });
      }
      if (method === 'GET' && m[2] === '/recipients') {
        const token = bearer(req);
        let asker: string;
        try {
          asker = (await ctx.tokens.verify(token)).identity;
        } catch (err) {
          try {
            asker = (await verifyAdminToken(ctx.tokens, token)).identity;
          } catch {
            throw err;
          }
        }
        return jsonAnswer(200, school.deliveryReport(id, asker));
      }
    }
    throw new CosmoError(
      ErrorCode.NOT_FOUND,
      `${echo(method)} ${echo(path)} is not part of the notice API`,
    );
  }

  return async (head) => {
    if (head.method === 'GET' && head.path === '/api/push/key') {
      if (!ctx.school || !ctx.push)
        return { answer: errorAnswer(new CosmoError(ErrorCode.UNAVAILABLE, 'Web Push is off')) };
      return { answer: jsonAnswer(200, { publicKey: ctx.push.publicKey }) };
    }
    const school = ctx.school;
    if (!school)
      return {
        answer: errorAnswer(
          new CosmoError(ErrorCode.UNAVAILABLE, 'the school features are off on this server'),
        ),
      };
    return {
      body: { maxBytes: head.method === 'POST' || head.method === 'PUT' ? MAX_BODY_BYTES : 0 },
      handle: (req) => handle(school, req).catch(answerError),
    };
  };

  function answerError(err: unknown): HttpAnswer {
    if (toCosmoError(err).code === ErrorCode.INTERNAL)
      ctx.logger.error({ err }, 'notice request failed');
    return errorAnswer(err);
  }
}

function bearer(req: { headers: Record<string, string> }): string | undefined {
  const h = req.headers['authorization'];
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}
