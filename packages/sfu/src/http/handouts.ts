import { CosmoError, ErrorCode, toCosmoError } from '@cosmo/core';
import type { School } from '@cosmo/school';
import { verifyAdminToken } from '../tokens.js';
import { errorAnswer, jsonAnswer } from './answers.js';
import { echo } from './echo.js';
import type { HttpContext } from './HttpContext.js';
import type { HttpAnswer, HttpRequest, HttpRoute } from './types.js';

/**
 * The largest upload read at all: a handout may be 20 MB (the school then says so, with 400);
 * past this the upload is refused with 413 while it streams, or before it starts.
 */
export const MAX_UPLOAD_BYTES = 24 * 1024 * 1024;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Handouts over HTTP: a teacher uploads (`POST /api/handouts?class=ID&filename=NAME`, the file as
 * the body, a teacher's join token or an admin token as Bearer); class members open one
 * (`GET /api/handouts/ID?token=JOIN_TOKEN`, counted per person) or its print view (`…/print`).
 * An upload's token is checked before its body is read; the body is streamed to a temporary file.
 */
export function createHandoutRoutes(
  ctx: Pick<HttpContext, 'school' | 'tokens' | 'logger'>,
): HttpRoute {
  /** The person behind a join token or an admin token. */
  async function who(token: string | undefined): Promise<string> {
    if (!token) throw new CosmoError(ErrorCode.NOT_AUTHORIZED, 'a token is required');
    try {
      return (await ctx.tokens.verify(token)).identity;
    } catch {
      return (await verifyAdminToken(ctx.tokens, token)).identity;
    }
  }

  async function upload(school: School, uploader: string, req: HttpRequest): Promise<HttpAnswer> {
    // Only an upload with a valid token gets this far, and it is at most MAX_UPLOAD_BYTES. It
    // stays on disk: the content store copies it from there.
    const handout = await school.addHandout(
      uploader,
      req.query.get('class') ?? '',
      req.query.get('filename') ?? '',
      req.bodyFile!,
    );
    return jsonAnswer(201, handout);
  }

  async function open(school: School, req: HttpRequest): Promise<HttpAnswer> {
    const bearer = req.headers['authorization']?.replace(/^Bearer /, '');
    const m = /^\/api\/handouts\/([^/]+)(\/print)?$/.exec(req.path)!;
    const person = await who(req.query.get('token') ?? bearer);
    const id = decodeURIComponent(m[1]!);
    if (m[2]) {
      // A page that fits the handout to paper and opens the print dialog.
      const handout = school.handoutFor(id, person);
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

  return async (head) => {
    try {
      const school = ctx.school;
      if (!school)
        throw new CosmoError(ErrorCode.UNAVAILABLE, 'the school features are off on this server');
      if (head.method === 'POST' && head.path === '/api/handouts') {
        const uploader = await who(head.headers['authorization']?.replace(/^Bearer /, ''));
        // Someone who may not hand out to this class is refused before the upload, too.
        school.assertModerates(uploader, head.query.get('class') ?? '');
        return {
          body: { maxBytes: MAX_UPLOAD_BYTES, toFile: true },
          handle: (req) => upload(school, uploader, req).catch(answerError),
        };
      }
      if (head.method === 'GET' && /^\/api\/handouts\/([^/]+)(\/print)?$/.test(head.path)) {
        return { body: { maxBytes: 0 }, handle: (req) => open(school, req).catch(answerError) };
      }
      throw new CosmoError(
        ErrorCode.NOT_FOUND,
        `${echo(head.method)} ${echo(head.path)} is not part of the handout API`,
      );
    } catch (err) {
      return { answer: answerError(err) };
    }
  };

  /** The error's answer; an unexpected one is logged (the client sees only INTERNAL). */
  function answerError(err: unknown): HttpAnswer {
    if (toCosmoError(err).code === ErrorCode.INTERNAL)
      ctx.logger.error({ err }, 'handout request failed');
    return errorAnswer(err);
  }
}
