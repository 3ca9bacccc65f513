import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import { ErrorCode, parseJsonWellFormed } from '@cosmo/core';
import { jsonAnswer, refusalAnswer, textAnswer } from './answers.js';
import { echo } from './echo.js';
import type { HttpContext } from './HttpContext.js';
import type { HttpAnswer, HttpRequest, HttpRoute } from './types.js';

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

/**
 * Where students' devices reach this server, when the teacher's page address would not do:
 * `publicUrl` when set, else the machine's LAN address when the teacher opened the page on
 * `localhost` and the server listens on every interface. Undefined: the page's own origin works.
 */
function studentOrigin(
  config: HttpContext['config'],
  hostHeader: string | undefined,
): string | undefined {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const m = /^(localhost|127\.[\d.]+|\[::1\])(?::(\d+))?$/i.exec(hostHeader ?? '');
  if (!m || (config.host !== '0.0.0.0' && config.host !== '::')) return undefined;
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  return lan ? `http://${lan.address}${m[2] ? `:${m[2]}` : ''}` : undefined;
}

/**
 * `/api/demo/…`, when `demo` is on: a teacher creates a class and gets its token; anyone with the
 * class link reads its title and joins as a student. Classes live in memory for a school day.
 */
export function createDemoRoutes(
  ctx: Pick<HttpContext, 'config' | 'tokens' | 'isEnded' | 'setRoomTitle' | 'forgetRoomTitle'>,
): HttpRoute {
  const demoClasses = new Map<string, DemoClass>();

  async function demo(req: HttpRequest): Promise<HttpAnswer> {
    let body: unknown;
    try {
      body = req.body.byteLength ? parseJsonWellFormed(new TextDecoder().decode(req.body)) : {};
    } catch {
      return refusalAnswer(400, ErrorCode.INVALID_ARGUMENT, 'the body must be JSON');
    }
    for (const [room, c] of demoClasses) {
      if (Date.now() - c.createdAt <= DEMO_CLASS_TTL_MS) continue;
      demoClasses.delete(room);
      ctx.forgetRoomTitle(room);
    }

    if (req.path === '/api/demo/classes' && req.method === 'POST') {
      const parsed = CreateClass.safeParse(body);
      if (!parsed.success)
        return refusalAnswer(400, ErrorCode.INVALID_ARGUMENT, parsed.error.issues[0]!.message);
      const room = randomBytes(6).toString('base64url');
      demoClasses.set(room, { room, title: parsed.data.title, createdAt: Date.now() });
      ctx.setRoomTitle(room, parsed.data.title);
      const token = await ctx.tokens.mint(
        {
          room,
          identity: `teacher-${randomBytes(4).toString('hex')}`,
          name: parsed.data.teacherName,
          role: 'teacher',
        },
        DEMO_CLASS_TTL_MS / 1000,
      );
      const origin = studentOrigin(ctx.config, req.headers['host']);
      const studentUrl = origin ? `${origin}/?class=${room}` : undefined;
      return jsonAnswer(201, { room, title: parsed.data.title, token, studentUrl });
    }
    const match = /^\/api\/demo\/classes\/([A-Za-z0-9_-]{1,32})(\/students)?$/.exec(req.path);
    const demoClass = match ? demoClasses.get(match[1]!) : undefined;
    if (match && !demoClass)
      return refusalAnswer(
        404,
        ErrorCode.NOT_FOUND,
        'this class link has expired or never existed',
      );
    if (demoClass && !match![2] && req.method === 'GET')
      return jsonAnswer(200, {
        room: demoClass.room,
        title: demoClass.title,
        ended: ctx.isEnded(demoClass.room),
      });
    if (demoClass && match![2] && req.method === 'POST') {
      // A student link does not mint its way into a class its teacher ended.
      if (ctx.isEnded(demoClass.room))
        return refusalAnswer(
          409,
          ErrorCode.CLASS_ENDED,
          'this class has ended; ask your teacher to start it again',
        );
      const parsed = JoinClass.safeParse(body);
      if (!parsed.success)
        return refusalAnswer(400, ErrorCode.INVALID_ARGUMENT, parsed.error.issues[0]!.message);
      const token = await ctx.tokens.mint(
        {
          room: demoClass.room,
          identity: `student-${randomBytes(4).toString('hex')}`,
          name: parsed.data.name,
          role: 'student',
        },
        DEMO_CLASS_TTL_MS / 1000,
      );
      return jsonAnswer(201, { room: demoClass.room, title: demoClass.title, token });
    }
    return refusalAnswer(
      405,
      ErrorCode.INVALID_ARGUMENT,
      `${echo(req.method)} ${echo(req.path)} is not part of the demo API`,
    );
  }

  return async (head) => {
    if (!ctx.config.demo)
      return { answer: textAnswer(404, 'the demo API is off (start with --demo)') };
    return { body: { maxBytes: head.method === 'POST' ? MAX_DEMO_BODY_BYTES : 0 }, handle: demo };
  };
}
