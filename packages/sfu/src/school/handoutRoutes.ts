import { CosmoError, ErrorCode } from '@cosmo/core';
import type { CosmoServer } from '../CosmoServer.js';
import { verifyAdminToken } from '../tokens.js';
import {
  errorAnswer,
  type HttpAnswer,
  type HttpRequest,
} from '../transports/SignallingTransport.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Handouts over HTTP: a teacher uploads (`POST /api/handouts?class=ID&filename=NAME`, the file as
 * the body, a teacher's join token or an admin token as Bearer); class members open one
 * (`GET /api/handouts/ID?token=JOIN_TOKEN`, counted per person) or its print view (`…/print`).
 */
export function createHandoutRoutes(
  server: CosmoServer,
): (req: HttpRequest) => Promise<HttpAnswer> {
  /** The person behind a join token or an admin token. */
  async function who(token: string | undefined): Promise<string> {
    if (!token) throw new CosmoError(ErrorCode.NOT_AUTHORIZED, 'a token is required');
    try {
      return (await server.tokens.verify(token)).identity;
    } catch {
      return (await verifyAdminToken(server.tokens, token)).identity;
    }
  }

  return async (req) => {
    try {
      const school = server.school;
      if (!school)
        throw new CosmoError(ErrorCode.UNAVAILABLE, 'the school features are off on this server');
      const bearer = req.headers['authorization']?.replace(/^Bearer /, '');
      if (req.method === 'POST' && req.path === '/api/handouts') {
        const uploader = await who(bearer);
        const handout = await school.addHandout(
          uploader,
          req.query.get('class') ?? '',
          req.query.get('filename') ?? '',
          req.body,
        );
        return {
          status: 201,
          contentType: 'application/json',
          body: JSON.stringify(handout) + '\n',
        };
      }
      const m = /^\/api\/handouts\/([^/]+)(\/print)?$/.exec(req.path);
      if (req.method === 'GET' && m) {
        const person = await who(req.query.get('token') ?? bearer);
        const id = decodeURIComponent(m[1]!);
        if (m[2]) {
          // A page that fits the handout to paper and opens the print dialog.
          const handout = school.repos.handouts.get(id);
          if (!handout) throw new CosmoError(ErrorCode.NOT_FOUND, 'no such handout');
          const src = `/api/handouts/${encodeURIComponent(id)}?token=${encodeURIComponent(req.query.get('token') ?? '')}`;
          const content =
            handout.mime === 'application/pdf'
              ? `<embed src="${escape(src)}" type="application/pdf" style="width:100%;height:100vh">`
              : `<img src="${escape(src)}" alt="${escape(handout.filename)}" onload="print()">`;
          const html = `<!doctype html><meta charset="utf-8"><title>${escape(handout.filename)}</title>
<style>@page{size:A4;margin:12mm}body{margin:0}img{display:block;max-width:100%;max-height:100vh;margin:auto}</style>${content}`;
          return { status: 200, contentType: 'text/html; charset=utf-8', body: html };
        }
        const { handout, bytes } = await school.openHandout(id, person);
        return {
          status: 200,
          contentType: handout.mime,
          body: bytes,
          headers: {
            'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(handout.filename)}`,
            'cache-control': 'private, no-store',
            'x-content-type-options': 'nosniff',
          },
        };
      }
      throw new CosmoError(
        ErrorCode.NOT_FOUND,
        `${req.method} ${req.path} is not part of the handout API`,
      );
    } catch (err) {
      return errorAnswer(err);
    }
  };
}
