import { rm, stat } from 'node:fs/promises';
import { z } from 'zod';
import { CosmoError, ErrorCode, NotFoundError, PermissionError, toCosmoError } from '@cosmo/core';
import {
  isUnfinishedRecording,
  type RecordingRecord,
  type RecordingViewer,
  type School,
} from '@cosmo/school';
import { recordingFiles } from '../recording/files.js';
import { verifyAdminToken } from '../tokens.js';
import { bodiless, errorAnswer, jsonAnswer, refusalAnswer } from './answers.js';
import { echo } from './echo.js';
import { fileAnswer, type ServedFile } from './fileRange.js';
import type { HttpContext } from './HttpContext.js';
import { parseJsonBody } from './jsonBody.js';
import { recordingInfo } from './recordingInfo.js';
import type { HttpAnswer, HttpRequest, HttpRequestHead, HttpRoute } from './types.js';

/**
 * Ids and languages as they may appear in a path (and so in a folder or file name). Ids are UUIDs;
 * at most ECHO_MAX_CHARS, so that the school's "no recording ID" never repeats more of a request.
 */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SAFE_LANGUAGE = /^[A-Za-z0-9-]{1,35}$/;

const PATH =
  /^\/api\/recordings(?:\/([^/]+)(?:\/(media|settings|chapters\.vtt|captions\/([^/]+)\.vtt))?)?$/;

/** The methods each kind of path takes (OPTIONS, the CORS preflight, is answered for all). */
const METHODS = {
  list: ['GET', 'HEAD'],
  recording: ['GET', 'HEAD', 'DELETE'],
  settings: ['POST'],
  file: ['GET', 'HEAD'],
} as const;

/** Which of METHODS' kinds a recordings path is. */
function pathKind(id: string | undefined, sub: string | undefined): keyof typeof METHODS {
  if (id === undefined) return 'list';
  if (sub === undefined) return 'recording';
  return sub === 'settings' ? 'settings' : 'file';
}

const Settings = z.object({ allowDownload: z.boolean() }).strict();

/** Headers a page's script may read of a media answer (another origin's fetch sees only these). */
const MEDIA_HEADERS = {
  'access-control-expose-headers': 'content-range, accept-ranges, content-length, etag',
  'cache-control': 'private, no-cache',
  'x-content-type-options': 'nosniff',
};

/** RFC 5987's attr-char: what `encodeURIComponent` leaves, minus the characters it may not. */
const attrChars = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A file name from a title: no path separators or control characters, never empty. */
const fileTitle = (title: string) =>
  title
    .replace(/[\p{Cc}/\\:*?"<>|]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 150) || 'lecture';

/**
 * Recorded lectures over HTTP, for a page on any origin (bearer tokens, never cookies): the
 * recordings a join token's holder may see (`GET /api/recordings`; an admin token: its school's,
 * or `?class=ID`), one (`GET /api/recordings/ID`), its video with ranges
 * (`GET|HEAD /api/recordings/ID/media`, `&download=1` when its teacher allows it), captions
 * (`…/captions/LANG.vtt`) and chapters (`…/chapters.vtt`); its teachers change whether students
 * may download it (`POST …/settings`) or delete it (`DELETE /api/recordings/ID`). The token comes
 * as `?token=` (a `<video>` or `<track>` sends no headers) or `Authorization: Bearer`. HEAD goes
 * wherever GET does; files carry validators for conditional requests; any other method is 405.
 */
export function createRecordingRoutes(
  ctx: Pick<HttpContext, 'school' | 'tokens' | 'logger' | 'config'>,
): HttpRoute {
  /** The holder of the request's join or admin token. */
  async function viewerOf(head: HttpRequestHead): Promise<RecordingViewer> {
    const bearer = head.headers['authorization']?.replace(/^Bearer\s+/i, '');
    const token = head.query.get('token') || bearer;
    if (!token)
      throw new CosmoError(
        ErrorCode.NOT_AUTHORIZED,
        'a token is required (?token=JOIN_TOKEN or Authorization: Bearer)',
      );
    try {
      const claims = await ctx.tokens.verify(token);
      return { identity: claims.identity, room: claims.room, role: claims.role };
    } catch (err) {
      const admin = await verifyAdminToken(ctx.tokens, token).catch(() => undefined);
      if (!admin) throw err;
      return { identity: admin.identity, room: '', schoolId: admin.schoolId };
    }
  }

  function list(school: School, viewer: RecordingViewer, req: HttpRequest): HttpAnswer {
    let recordings: RecordingRecord[];
    if (viewer.schoolId !== undefined) {
      const classId = req.query.get('class');
      recordings = school
        .allRecordings(viewer.schoolId)
        .filter((r) => classId === null || r.classId === classId);
    } else recordings = school.recordingsFor(viewer);
    return jsonAnswer(200, { recordings: recordings.map(recordingInfo) });
  }

  /** Refuses a recording that is not published yet, saying how far it got. */
  function assertReady(recording: RecordingRecord): void {
    if (recording.status === 'ready') return;
    const message =
      recording.status === 'publishing'
        ? `the recording is still being published (${Math.floor(recording.progress * 100)}%)`
        : recording.status === 'failed'
          ? 'the recording could not be published; ask the school to look at the server log'
          : 'the lecture is still being recorded; it can be watched once it is published';
    throw new CosmoError(ErrorCode.INVALID_STATE, message);
  }

  /** A published file's size and mtime, or NOT_FOUND (logged: the record says it is there). */
  async function publishedFile(path: string, what: string): Promise<ServedFile> {
    const info = await stat(path, { bigint: true }).catch(() => undefined);
    if (!info?.isFile()) {
      ctx.logger.error({ path }, `a published recording's ${what} is missing`);
      throw new NotFoundError(`this recording has no ${what} on the server`);
    }
    return { path, size: Number(info.size), mtimeNs: info.mtimeNs };
  }

  async function media(
    school: School,
    viewer: RecordingViewer,
    recording: RecordingRecord,
    req: HttpRequest,
  ): Promise<HttpAnswer> {
    assertReady(recording);
    const download = req.query.get('download') === '1';
    if (download && !recording.allowDownload) {
      try {
        // Its teachers (and admins) may always download it; students once allowed.
        school.assertModeratesRecording(recording.id, viewer);
      } catch {
        throw new PermissionError(
          'the teacher has not allowed downloading this recording (you can still watch it)',
        );
      }
    }
    const file = await publishedFile(
      recordingFiles(ctx.config.dataDir, recording.id).published,
      'video',
    );
    return fileAnswer(file, req.headers, {
      contentType: 'video/webm',
      headers: MEDIA_HEADERS,
      disposition: `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${attrChars(fileTitle(recording.title))}.webm`,
      ranges: true,
    });
  }

  async function vtt(
    recording: RecordingRecord,
    language: string | undefined,
    req: HttpRequest,
  ): Promise<HttpAnswer> {
    assertReady(recording);
    const files = recordingFiles(ctx.config.dataDir, recording.id);
    let path = files.chapters;
    if (language !== undefined) {
      if (!SAFE_LANGUAGE.test(language) || !recording.languages.includes(language))
        throw new NotFoundError(
          `this recording has no captions in '${echo(language)}'` +
            (recording.languages.length > 0 ? `; it has ${recording.languages.join(', ')}` : ''),
        );
      path = files.captions(language);
    }
    const file = await publishedFile(path, language ? `${language} captions` : 'chapters');
    return fileAnswer(file, req.headers, {
      contentType: 'text/vtt; charset=utf-8',
      headers: { 'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff' },
      ranges: false,
    });
  }

  async function remove(school: School, viewer: RecordingViewer, id: string): Promise<HttpAnswer> {
    const recording = school.assertModeratesRecording(id, viewer);
    if (isUnfinishedRecording(recording))
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        'the recording is still being made or published; delete it once it is published',
      );
    // The files first: a failure leaves the record, and the delete can be tried again.
    await rm(recordingFiles(ctx.config.dataDir, recording.id).dir, {
      recursive: true,
      force: true,
    });
    school.removeRecording(recording.id);
    return { status: 204, contentType: 'text/plain', body: '' };
  }

  return async (head) => {
    try {
      const school = ctx.school;
      if (!school)
        throw new CosmoError(ErrorCode.UNAVAILABLE, 'the school features are off on this server');
      const m = PATH.exec(head.path);
      if (!m) throw new NotFoundError(`${echo(head.path)} is not part of the recordings API`);
      const [, rawId, sub, rawLanguage] = m;
      let id: string | undefined;
      let language: string | undefined;
      try {
        id = rawId === undefined ? undefined : decodeURIComponent(rawId);
        language = rawLanguage === undefined ? undefined : decodeURIComponent(rawLanguage);
      } catch {
        throw new NotFoundError('no such recording');
      }
      if (id !== undefined && !SAFE_ID.test(id))
        throw new NotFoundError(`no recording ${echo(id)}`);
      const { method } = head;
      const allowed: readonly string[] = METHODS[pathKind(id, sub)];
      // Before the token: which methods a path takes is no secret.
      if (!allowed.includes(method)) {
        const allow = [...allowed, 'OPTIONS'].join(', ');
        const refusal = refusalAnswer(
          405,
          ErrorCode.INVALID_ARGUMENT,
          `${echo(method)} is not allowed here: this path takes ${allow}`,
        );
        return { answer: { ...refusal, headers: { allow } } };
      }
      const viewer = await viewerOf(head);
      const reading = method === 'GET' || method === 'HEAD';
      if (id === undefined && reading) return handled(async (req) => list(school, viewer, req));
      if (id !== undefined && sub === undefined && reading)
        return handled(async () =>
          jsonAnswer(200, recordingInfo(school.watchableRecording(id, viewer))),
        );
      if (id !== undefined && sub === undefined && method === 'DELETE')
        return handled(() => remove(school, viewer, id));
      if (id !== undefined && sub === 'settings' && method === 'POST') {
        // Someone who may not change it is refused before the body is read.
        school.assertModeratesRecording(id, viewer);
        return {
          body: { maxBytes: 4096 },
          handle: async (req) => {
            try {
              const { allowDownload } = parseJsonBody(Settings, req);
              school.assertModeratesRecording(id, viewer);
              return jsonAnswer(200, recordingInfo(school.updateRecording(id, { allowDownload })));
            } catch (err) {
              return answerError(err);
            }
          },
        };
      }
      if (id !== undefined && sub !== undefined && sub !== 'settings' && reading) {
        return handled(async (req) => {
          const recording = school.watchableRecording(id, viewer);
          if (sub === 'media') return media(school, viewer, recording, req);
          return vtt(recording, sub === 'chapters.vtt' ? undefined : language, req);
        });
      }
      // Unreachable: METHODS and the branches above agree.
      throw new CosmoError(ErrorCode.INTERNAL, `${echo(method)} has no handler here`);
    } catch (err) {
      return { answer: answerError(err) };
    }
  };

  /** A route that takes no body, its errors answered. */
  function handled(handle: (req: HttpRequest) => Promise<HttpAnswer>) {
    return bodiless((req) => handle(req).catch(answerError));
  }

  /** The error's answer; an unexpected one is logged (the client sees only INTERNAL). */
  function answerError(err: unknown): HttpAnswer {
    if (toCosmoError(err).code === ErrorCode.INTERNAL)
      ctx.logger.error({ err }, 'recording request failed');
    return errorAnswer(err);
  }
}
