import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { z } from 'zod';
import { ErrorCode, parseJsonWellFormed } from '@cosmo/core';
import type { AddressLimits } from './AddressLimits.js';
import type { CosmoServer } from './CosmoServer.js';
import { createAdminRoutes } from './school/adminRoutes.js';
import { createHandoutRoutes } from './school/handoutRoutes.js';
import {
  textAnswer,
  type HttpAnswer,
  type HttpDecision,
  type HttpRequest,
  type HttpRequestHead,
  jsonAnswer as json,
} from './transports/SignallingTransport.js';

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

const text = (field: string, max: number) =>
  z
    .string({ required_error: `${field} is required`, invalid_type_error: `${field} must be text` })
    .trim()
    .min(1, `${field} is required`)
    .max(max, `${field} is at most ${max} characters`);
const CreateClass = z.object({ teacherName: text('teacherName', 80), title: text('title', 120) });
const JoinClass = z.object({ name: text('name', 80) });

/** A class created from the demo page: anyone with its link may join as a student. */
interface DemoClass {
  room: string;
  title: string;
  createdAt: number;
}

/** Demo classes expire after a school day. */
const DEMO_CLASS_TTL_MS = 12 * 3600 * 1000;
/** The demo API's JSON bodies are a name and a title. */
const MAX_DEMO_BODY_BYTES = 16 * 1024;

/** A route that reads no body. */
const bodiless = (handle: (req: HttpRequest) => Promise<HttpAnswer>): HttpDecision => ({
  body: { maxBytes: 0 },
  handle,
});

/**
 * The server's HTTP side: health and metrics; when `demo` is on, the demo API that creates a
 * class and mints its tokens; the admin and handout APIs; and the demo app's static files when
 * `staticDir` is set. Requests without a credential, and those answered 401, draw from their
 * address's allowance in `limits`; an address that has spent it gets 429.
 */
export function createHttpRoutes(
  server: CosmoServer,
  limits: AddressLimits,
): (head: HttpRequestHead) => Promise<HttpDecision> {
  const demoClasses = new Map<string, DemoClass>();
  const admin = createAdminRoutes(server);
  const handouts = createHandoutRoutes(server);

  async function demo(req: HttpRequest): Promise<HttpAnswer> {
    let body: unknown;
    try {
      body = req.body.byteLength ? parseJsonWellFormed(new TextDecoder().decode(req.body)) : {};
    } catch {
      return json(400, { code: 'INVALID_ARGUMENT', message: 'the body must be JSON' });
    }
    for (const [room, c] of demoClasses) {
      if (Date.now() - c.createdAt <= DEMO_CLASS_TTL_MS) continue;
      demoClasses.delete(room);
      server.forgetRoomTitle(room);
    }

    if (req.path === '/api/demo/classes' && req.method === 'POST') {
      const parsed = CreateClass.safeParse(body);
      if (!parsed.success)
        return json(400, { code: 'INVALID_ARGUMENT', message: parsed.error.issues[0]!.message });
      const room = randomBytes(6).toString('base64url');
      demoClasses.set(room, { room, title: parsed.data.title, createdAt: Date.now() });
      server.setRoomTitle(room, parsed.data.title);
      const token = await server.tokens.mint(
        {
          room,
          identity: `teacher-${randomBytes(4).toString('hex')}`,
          name: parsed.data.teacherName,
          role: 'teacher',
        },
        DEMO_CLASS_TTL_MS / 1000,
      );
      return json(201, { room, title: parsed.data.title, token });
    }
    const match = /^\/api\/demo\/classes\/([A-Za-z0-9_-]{1,32})(\/students)?$/.exec(req.path);
    const demoClass = match ? demoClasses.get(match[1]!) : undefined;
    if (match && !demoClass)
      return json(404, {
        code: 'NOT_FOUND',
        message: 'this class link has expired or never existed',
      });
    if (demoClass && !match![2] && req.method === 'GET')
      return json(200, {
        room: demoClass.room,
        title: demoClass.title,
        ended: server.isEnded(demoClass.room),
      });
    if (demoClass && match![2] && req.method === 'POST') {
      // A student link does not mint its way into a class its teacher ended.
      if (server.isEnded(demoClass.room))
        return json(409, {
          code: ErrorCode.CLASS_ENDED,
          message: 'this class has ended; ask your teacher to start it again',
        });
      const parsed = JoinClass.safeParse(body);
      if (!parsed.success)
        return json(400, { code: 'INVALID_ARGUMENT', message: parsed.error.issues[0]!.message });
      const token = await server.tokens.mint(
        {
          room: demoClass.room,
          identity: `student-${randomBytes(4).toString('hex')}`,
          name: parsed.data.name,
          role: 'student',
        },
        DEMO_CLASS_TTL_MS / 1000,
      );
      return json(201, { room: demoClass.room, title: demoClass.title, token });
    }
    return json(405, {
      code: 'INVALID_ARGUMENT',
      message: `${req.method} ${req.path} is not part of the demo API`,
    });
  }

  async function serveStatic(path: string): Promise<HttpAnswer | undefined> {
    const root = server.config.staticDir;
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

  async function route(head: HttpRequestHead): Promise<HttpDecision> {
    const { method, path } = head;
    if (method === 'GET' && path === '/healthz') {
      return bodiless(async () =>
        json(200, {
          status: 'ok',
          rooms: server.classrooms.size,
          participants: [...server.classrooms.values()].reduce(
            (n, c) => n + c.participants.size,
            0,
          ),
          workers: server.pool.workers.length,
        }),
      );
    }
    if (method === 'GET' && path === '/metrics') {
      return bodiless(async () => {
        for (const u of await server.pool.usage())
          server.metrics.workerCpu.set({ pid: String(u.pid) }, u.cpuSeconds);
        return {
          status: 200,
          contentType: server.metrics.registry.contentType,
          body: await server.metrics.registry.metrics(),
        };
      });
    }
    if (path.startsWith('/api/demo/')) {
      if (!server.config.demo)
        return { answer: textAnswer(404, 'the demo API is off (start with --demo)') };
      return { body: { maxBytes: method === 'POST' ? MAX_DEMO_BODY_BYTES : 0 }, handle: demo };
    }
    if (path.startsWith('/api/admin/')) return admin(head);
    if (path.startsWith('/api/handouts')) return handouts(head);
    if (method === 'GET')
      return bodiless(async (req) => (await serveStatic(req.path)) ?? textAnswer(404, 'not found'));
    return { answer: textAnswer(404, 'not found') };
  }

  return async (head) => {
    const address = head.remoteAddress;
    // Only the routes that check a credential are spared for carrying one (a header on /healthz
    // proves nothing).
    const checksCredential =
      head.path.startsWith('/api/admin/') || head.path.startsWith('/api/handouts');
    const credential =
      checksCredential && (head.headers['authorization'] !== undefined || head.query.has('token'));
    // The demo app's own files are exempt: 300 students behind one NAT address open the page at
    // the start of class, and a file read costs less than the bucket would save.
    const staticFile =
      head.method === 'GET' &&
      server.config.staticDir !== undefined &&
      !head.path.startsWith('/api/') &&
      head.path !== '/healthz' &&
      head.path !== '/metrics';
    if (!credential && !staticFile && !limits.takeHttp(address)) {
      return {
        answer: {
          ...json(429, {
            code: ErrorCode.RATE_LIMITED,
            message: 'too many requests from your address; try again in a few seconds',
          }),
          headers: { 'retry-after': '1' },
        },
      };
    }
    // A wrong credential costs what none does: guessing tokens draws from the same allowance.
    const charge = (answer: HttpAnswer) => {
      if (credential && answer.status === 401) limits.takeHttp(address);
      return answer;
    };
    const decision = await route(head);
    if ('answer' in decision) return { answer: charge(decision.answer) };
    return { body: decision.body, handle: async (req) => charge(await decision.handle(req)) };
  };
}
