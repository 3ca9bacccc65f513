import { z } from 'zod';
import {
  CosmoError,
  ErrorCode,
  NotFoundError,
  PermissionError,
  isRole,
  toCosmoError,
} from '@cosmo/core';
import type { School } from '@cosmo/school';
import { verifyAdminToken, type AdminClaims } from '../tokens.js';
import { parseJsonBody } from './jsonBody.js';
import { errorAnswer, jsonAnswer as json } from './answers.js';
import { echo } from './echo.js';
import type { HttpContext } from './HttpContext.js';
import type { HttpAnswer, HttpRequest, HttpRoute } from './types.js';

/** What the admin API uses of the server. */
type AdminContext = Pick<HttpContext, 'school' | 'tokens' | 'logger' | 'classOfRoom'>;

/** Rosters and JSON bodies above this are refused (a 20,000-row roster is about 2 MB). */
const MAX_ADMIN_BODY_BYTES = 4 * 1024 * 1024;

const time = z.union([
  z.number().int().positive(),
  z
    .string()
    .datetime({ offset: true })
    .transform((s) => Date.parse(s)),
]);
const Lecture = z.object({
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]{1,64}$/,
      'id may only contain letters, digits, dot, dash and underscore',
    )
    .optional(),
  classId: z.string().min(1),
  title: z.string().trim().min(1).max(200),
  startsAt: time,
  endsAt: time,
});
const NoticeBody = z
  .object({
    audience: z.string().min(1),
    title: z.string(),
    body: z.string().default(''),
    urgent: z.boolean().default(false),
    idempotencyKey: z.string().max(200).optional(),
    /** Email who has not read it this long after; null: never; absent: the server's default. */
    emailAfterSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .nullable()
      .optional(),
  })
  // A misspelt key (emailAfterSecond) is an error, not a setting silently left at its default.
  .strict();
const ContactBody = z
  .object({
    email: z.string().trim().email().max(254).nullable().optional(),
    guardianEmail: z.string().trim().email().max(254).nullable().optional(),
    notifyEmail: z.enum(['all', 'fallback', 'none']).optional(),
  })
  .strict();
const Decision = z.object({ approve: z.boolean(), comment: z.string().max(1000).default('') });
const TokenRequest = z.object({
  personId: z.string().min(1),
  room: z.string().min(1).max(128),
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .default(4 * 3600),
});

/**
 * The admin HTTP API, for the school's own systems: roster import, lectures, attendance export,
 * leave decisions, notices and their receipts, join tokens for roster members. Every call carries
 * `Authorization: Bearer <admin token>` (`cosmo token --admin`) scoped to one school; the token is
 * checked before any of the body is read.
 */
export function createAdminRoutes(ctx: AdminContext): HttpRoute {
  const failed = (err: unknown, path: string): HttpAnswer => {
    if (toCosmoError(err).code === ErrorCode.INTERNAL) {
      ctx.logger.error({ err, path }, 'admin API failed');
    }
    return errorAnswer(err);
  };
  return async (head) => {
    try {
      const school = ctx.school;
      if (!school)
        throw new CosmoError(ErrorCode.UNAVAILABLE, 'the school features are off on this server');
      const header = head.headers['authorization'] ?? '';
      const admin = await verifyAdminToken(
        ctx.tokens,
        header.startsWith('Bearer ') ? header.slice(7) : undefined,
      );
      return {
        body: { maxBytes: head.method === 'GET' ? 0 : MAX_ADMIN_BODY_BYTES },
        handle: (req) => route(ctx, school, admin, req).catch((err) => failed(err, req.path)),
      };
    } catch (err) {
      return { answer: failed(err, head.path) };
    }
  };
}

async function route(
  ctx: AdminContext,
  school: School,
  admin: AdminClaims,
  req: HttpRequest,
): Promise<HttpAnswer> {
  const { method, path } = req;
  const s = admin.schoolId;
  let m: RegExpExecArray | null;

  if (method === 'POST' && path === '/api/admin/roster') {
    const result = school.importRosterCsv(new TextDecoder().decode(req.body), s);
    if (!result.ok) {
      return json(400, {
        code: ErrorCode.INVALID_ARGUMENT,
        message: `${result.errors.length} row(s) need fixing; nothing was imported`,
        errors: result.errors,
      });
    }
    return json(200, result);
  }
  if (method === 'POST' && path === '/api/admin/lectures') {
    return json(201, school.addLecture(parseJsonBody(Lecture, req), s));
  }
  if (
    method === 'GET' &&
    (m = /^\/api\/admin\/lectures\/([^/]+)\/attendance(\.csv)?$/.exec(path))
  ) {
    const id = decodeURIComponent(m[1]!);
    if (m[2])
      return {
        status: 200,
        contentType: 'text/csv; charset=utf-8',
        body: school.attendanceCsv(id, s),
        headers: { 'content-disposition': `attachment; filename="attendance-${id}.csv"` },
      };
    return json(200, { rows: school.attendance(id, s) });
  }
  if (method === 'GET' && (m = /^\/api\/admin\/lectures\/([^/]+)\/polls\.csv$/.exec(path))) {
    const id = decodeURIComponent(m[1]!);
    return {
      status: 200,
      contentType: 'text/csv; charset=utf-8',
      body: school.pollResultsCsv(id, s),
      headers: { 'content-disposition': `attachment; filename="polls-${id}.csv"` },
    };
  }
  if (method === 'POST' && path === '/api/admin/notices') {
    const { emailAfterSeconds, ...body } = parseJsonBody(NoticeBody, req);
    const { notice, recipients } = school.sendNotice({
      ...body,
      senderId: admin.identity,
      ...(emailAfterSeconds !== undefined
        ? { emailAfterMs: emailAfterSeconds === null ? null : emailAfterSeconds * 1000 }
        : {}),
    });
    return json(201, { id: notice.id, recipients });
  }
  if (method === 'GET' && (m = /^\/api\/admin\/notices\/([^/]+)(\/recipients)?$/.exec(path))) {
    const id = decodeURIComponent(m[1]!);
    const notice = school.repos.notices.get(id);
    if (!notice || notice.schoolId !== s) throw new NotFoundError('no such notice');
    if (m[2]) {
      return json(200, {
        summary: school.repos.notices.deliverySummary(id),
        recipients: school.repos.notices.recipientStatuses(id),
      });
    }
    return json(200, {
      notice,
      receipts: school.repos.notices.receipts(id),
      delivery: school.repos.notices.deliverySummary(id),
    });
  }
  if ((m = /^\/api\/admin\/people\/([^/]+)\/contact$/.exec(path))) {
    const id = decodeURIComponent(m[1]!);
    if (method === 'GET')
      return json(200, {
        ...school.contactOf(id, s),
        pushDevices: school.repos.pushSubscriptions.count(id),
      });
    if (method === 'PUT') {
      const change = parseJsonBody(ContactBody, req);
      const contact = school.updateContact(
        id,
        Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
        s,
      );
      return json(200, { ...contact, pushDevices: school.repos.pushSubscriptions.count(id) });
    }
  }
  if (method === 'GET' && (m = /^\/api\/admin\/classes\/([^/]+)\/leave$/.exec(path))) {
    const cls = school.repos.roster.schoolClass(decodeURIComponent(m[1]!));
    if (!cls || cls.schoolId !== s) throw new NotFoundError('no such class');
    return json(200, { requests: school.repos.leave.forClass(cls.id) });
  }
  if (method === 'POST' && (m = /^\/api\/admin\/leave\/([^/]+)$/.exec(path))) {
    const { approve, comment } = parseJsonBody(Decision, req);
    return json(
      200,
      school.decideLeave(admin.identity, decodeURIComponent(m[1]!), approve, comment),
    );
  }
  if (method === 'GET' && (m = /^\/api\/admin\/handouts\/([^/]+)\/downloads$/.exec(path))) {
    const handout = school.repos.handouts.get(decodeURIComponent(m[1]!));
    const cls = handout && school.repos.roster.schoolClass(handout.classId);
    if (!handout || cls?.schoolId !== s) throw new NotFoundError('no such handout');
    return json(200, { downloads: school.handoutDownloads(handout.id, admin.identity) });
  }
  if (
    method === 'GET' &&
    (m = /^\/api\/admin\/lectures\/([^/]+)\/transcript\.(vtt|srt|txt)$/.exec(path))
  ) {
    const id = decodeURIComponent(m[1]!);
    const lecture = school.repos.roster.lecture(id);
    const cls = lecture && school.repos.roster.schoolClass(lecture.classId);
    if (!lecture || cls?.schoolId !== s) throw new NotFoundError('no such lecture');
    const format = m[2] as 'vtt' | 'srt' | 'txt';
    const types = { vtt: 'text/vtt', srt: 'application/x-subrip', txt: 'text/plain' } as const;
    return {
      status: 200,
      contentType: `${types[format]}; charset=utf-8`,
      body: school.transcript(id, req.query.get('language') || 'en', format),
    };
  }
  if (method === 'POST' && path === '/api/admin/tokens') {
    const { personId, room, ttlSeconds } = parseJsonBody(TokenRequest, req);
    if (room.includes('~'))
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        'breakout rooms get their tokens from the server, when a teacher starts a breakout',
      );
    // Only for this school's classes (a class, or a lecture of one) and this school's people.
    const person = school.repos.roster.person(personId);
    if (!person || person.schoolId !== s)
      throw new NotFoundError(`no person ${echo(personId)} in this school`);
    const classId = ctx.classOfRoom(room);
    const cls = classId ? school.repos.roster.schoolClass(classId) : undefined;
    if (!cls || cls.schoolId !== s)
      throw new NotFoundError(`no class or lecture ${echo(room)} in this school`);
    if (person.role !== 'admin' && !school.repos.roster.isMember(cls.id, person.id))
      throw new PermissionError(`${person.name} is not in ${cls.name}`);
    const role = isRole(person.role) ? person.role : 'observer';
    const token = await ctx.tokens.mint(
      { identity: person.id, name: person.name, room, role },
      ttlSeconds,
    );
    return json(201, { token, role });
  }
  throw new CosmoError(
    ErrorCode.NOT_FOUND,
    `${echo(method)} ${echo(path)} is not part of the admin API`,
  );
}
