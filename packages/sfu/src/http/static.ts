import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { bodiless, textAnswer } from './answers.js';
import type { HttpContext } from './HttpContext.js';
import type { HttpAnswer, HttpRoute } from './types.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

/**
 * `GET` of anything else: the demo app's files from `staticDir`, with `index.html` for the app's
 * own paths; 404 when there is no such file or no `staticDir`.
 */
export function createStaticRoute(ctx: Pick<HttpContext, 'config'>): HttpRoute {
  async function serveStatic(path: string): Promise<HttpAnswer | undefined> {
    const root = ctx.config.staticDir;
    if (!root) return undefined;
    const base = resolve(root);
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return textAnswer(400, 'bad path');
    }
    let file = resolve(join(base, decoded));
    if (file !== base && !file.startsWith(base + sep)) return textAnswer(403, 'forbidden');
    const info = await stat(file).catch(() => undefined);
    if (!info || info.isDirectory()) {
      // The app routes in the browser: unknown paths without an extension get index.html.
      if (info?.isDirectory() || !extname(file)) file = join(base, 'index.html');
      else return undefined;
    }
    const body = await readFile(file).catch(() => undefined);
    if (!body) return undefined;
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${sep}assets${sep}`);
    return {
      status: 200,
      contentType: type,
      body,
      headers: { 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' },
    };
  }

  return async () =>
    bodiless(async (req) => (await serveStatic(req.path)) ?? textAnswer(404, 'not found'));
}
