import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rosterCsv } from '@cosmo/school/testing';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { mintAdminToken } from '../tokens.js';
import { recordingFiles } from './files.js';

const T0 = Date.UTC(2026, 3, 10, 9, 0, 0);
const CAPTIONS_JA = 'WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n今日は光学です。\n';
const CAPTIONS_ES = 'WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHoy estudiamos óptica.\n';
const CHAPTERS =
  'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nIntroduction\n\n00:00:02.000 --> 00:00:04.000\nPoll: Which lens?\n';

/** A real 4-second VP8/Opus WebM, made once for both transports. */
let webm: Buffer;
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cosmo-rec-http-'));
  const out = join(scratch, 'out.webm');
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=15',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440',
    '-t',
    '4',
    '-c:v',
    'libvpx',
    '-c:a',
    'libopus',
    out,
  ]);
  webm = readFileSync(out);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(['uws', 'ws'] as const)('recorded lectures over HTTP (%s)', (transport) => {
  let t: EphemeralServer;
  const api = (path: string, init?: RequestInit) => fetch(`${t.httpUrl}${path}`, init);
  const media = (token: string, range?: string, extra = '') =>
    api(`/api/recordings/rec1/media?token=${token}${extra}`, range ? { headers: { range } } : {});
  let s1: string;
  let h1: string;
  let teacher: string;

  /** A recording of lecture L1 (class 2B) as the publisher leaves it, its files on disk. */
  function published(id: string, title: string, video: Buffer) {
    const school = t.server.school!;
    school.addRecording({
      id,
      room: 'L1',
      title,
      startedBy: 'tanaka',
      allowDownload: false,
      startedAt: T0,
    });
    school.updateRecording(id, {
      status: 'ready',
      progress: 1,
      endedAt: T0 + 4000,
      durationMs: 4000,
      bytes: video.byteLength,
      languages: ['ja', 'es'],
      chapters: [
        { atMs: 0, title: 'Introduction' },
        { atMs: 2000, title: 'Poll: Which lens?' },
      ],
      error: 'ffmpeg said something long and internal at /var/lib/cosmo',
    });
    const files = recordingFiles(t.server.config.dataDir, id);
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.published, video);
    writeFileSync(files.captions('ja'), CAPTIONS_JA);
    writeFileSync(files.captions('es'), CAPTIONS_ES);
    writeFileSync(files.chapters, CHAPTERS);
    return files;
  }

  beforeAll(async () => {
    t = await startEphemeralServer({ transport });
    const school = t.server.school!;
    school.importRosterCsv(
      rosterCsv(2) + 'tokyo,Tokyo International,3A,History 3A,h1,Hana,student\n',
    );
    school.addLecture({
      id: 'L1',
      classId: '2B',
      title: 'Optics',
      startsAt: T0,
      endsAt: T0 + 3_600_000,
    });
    published('rec1', 'Optics: lenses (part 1)', webm);
    school.addRecording({
      id: 'rec2',
      room: 'L1',
      title: 'Optics 2',
      startedBy: 'tanaka',
      allowDownload: false,
      startedAt: T0 + 1,
    });
    school.updateRecording('rec2', { status: 'publishing', progress: 0.426 });
    s1 = await t.token('L1', 's1', 'student');
    h1 = await t.token('3A', 'h1', 'student');
    teacher = await t.token('L1', 'tanaka', 'teacher');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a student of the class lists the recording, with paths and no internals', async () => {
    const res = await api(`/api/recordings?token=${s1}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const { recordings } = (await res.json()) as { recordings: Record<string, unknown>[] };
    expect(recordings.map((r) => r.id)).toEqual(['rec2', 'rec1']);
    const rec1 = recordings[1]!;
    expect(rec1).toMatchObject({
      title: 'Optics: lenses (part 1)',
      classId: '2B',
      lectureId: 'L1',
      status: 'ready',
      languages: ['ja', 'es'],
      allowDownload: false,
      bytes: webm.byteLength,
      mediaPath: '/api/recordings/rec1/media',
      captionsPaths: {
        ja: '/api/recordings/rec1/captions/ja.vtt',
        es: '/api/recordings/rec1/captions/es.vtt',
      },
      chaptersPath: '/api/recordings/rec1/chapters.vtt',
    });
    expect(JSON.stringify(recordings)).not.toMatch(/ffmpeg|\/var\/lib|error|expiresAt|schoolId/);
    const one = await api('/api/recordings/rec1', { headers: { authorization: `Bearer ${s1}` } });
    expect(await one.json()).toEqual(rec1);
  });

  it('serves the video whole and in ranges, streamed from disk', async () => {
    const size = webm.byteLength;
    const whole = await media(s1);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/webm');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-length')).toBe(String(size));
    expect(whole.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(whole.headers.get('access-control-expose-headers')).toContain('content-range');
    expect(Buffer.from(await whole.arrayBuffer()).equals(webm)).toBe(true);

    const cases: [string, number, number][] = [
      ['bytes=100-199', 100, 199],
      ['bytes=-50', size - 50, size - 1],
      ['bytes=0-', 0, size - 1],
      // Several ranges: the first is served, merged with those it overlaps or adjoins.
      ['bytes=10-19, 500-599', 10, 19],
      ['bytes=0-9,20-29', 0, 9],
      ['bytes=500-599, 10-19', 500, 599],
      ['bytes=0-9,5-19', 0, 19],
      ['bytes=0-9,10-19,40-49', 0, 19],
      // Merged through another range; range-parser's own merging would put 300-309 first.
      ['bytes=50-59,300-309,0-99', 0, 99],
      // Ranges past the end are left out.
      ['bytes=999999999-, 0-9', 0, 9],
    ];
    for (const [range, start, end] of cases) {
      const res = await media(s1, range);
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(
        Buffer.from(await res.arrayBuffer()).equals(webm.subarray(start, end + 1)),
        range,
      ).toBe(true);
    }
    // A malformed Range, or one in another unit, is ignored.
    for (const range of ['bytes=abc', 'bytes=-', 'items=0-9']) {
      const res = await media(s1, range);
      expect(res.status, range).toBe(200);
      expect(res.headers.get('content-length'), range).toBe(String(size));
      await res.arrayBuffer();
    }

    const head = await api(`/api/recordings/rec1/media?token=${s1}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(size));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    // The connection is still good after a HEAD.
    expect((await media(s1, 'bytes=0-9')).status).toBe(206);
  });

  it('answers a range past the end with 416 and a JSON error', async () => {
    const size = webm.byteLength;
    for (const range of ['bytes=999999999-', `bytes=${size}-${size + 10}`]) {
      const past = await media(s1, range);
      expect(past.status, range).toBe(416);
      expect(past.headers.get('content-range'), range).toBe(`bytes */${size}`);
      expect(past.headers.get('content-type'), range).toBe('application/json');
      expect(past.headers.get('content-disposition'), range).toBeNull();
      expect(await past.json(), range).toEqual({
        code: 'INVALID_ARGUMENT',
        message: `the range asks only for bytes past the end of the file (${size} bytes)`,
      });
    }
  });

  it('gives the video validators and answers conditional requests', async () => {
    const files = published('cond', 'Conditional', webm);
    const size = webm.byteLength;
    const get = (headers: Record<string, string>, method = 'GET') =>
      api(`/api/recordings/cond/media?token=${s1}`, { method, headers });
    const first = await get({});
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    await first.arrayBuffer();
    // Strong (If-Range needs one), quoted, and readable by a page on another origin.
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(first.headers.get('access-control-expose-headers')).toContain('etag');
    const mtime = statSync(files.published).mtimeMs;
    expect(lastModified).toBe(new Date(mtime).toUTCString());
    const ranged = await get({ range: 'bytes=0-9' });
    expect(ranged.headers.get('etag')).toBe(etag);
    expect(ranged.headers.get('last-modified')).toBe(lastModified);
    await ranged.arrayBuffer();

    // If-None-Match (the weak comparison) and If-Modified-Since: 304, no body, on GET and HEAD.
    for (const [headers, method] of [
      [{ 'if-none-match': etag }, 'GET'],
      [{ 'if-none-match': etag }, 'HEAD'],
      [{ 'if-none-match': `"nope", W/${etag}` }, 'GET'],
      [{ 'if-none-match': '*' }, 'GET'],
      [{ 'if-modified-since': lastModified }, 'GET'],
      [{ 'if-none-match': etag, range: 'bytes=0-9' }, 'GET'],
    ] as const) {
      const what = `${method} ${JSON.stringify(headers)}`;
      const res = await get(headers, method);
      expect(res.status, what).toBe(304);
      expect(res.headers.get('etag'), what).toBe(etag);
      expect((await res.arrayBuffer()).byteLength, what).toBe(0);
    }
    for (const headers of [
      { 'if-none-match': '"nope"' },
      // If-None-Match decides alone when it is there.
      { 'if-none-match': '"nope"', 'if-modified-since': lastModified },
      { 'if-modified-since': new Date(mtime - 60_000).toUTCString() },
    ] as Record<string, string>[]) {
      const res = await get(headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(webm)).toBe(true);
    }

    // If-Range: the range when it names this file, else the whole file (RFC 9110 §13.1.5).
    const ifRange = async (value: string) => {
      const res = await get({ range: 'bytes=100-199', 'if-range': value });
      const body = Buffer.from(await res.arrayBuffer());
      return { status: res.status, range: res.headers.get('content-range'), body };
    };
    for (const value of [etag, lastModified]) {
      const got = await ifRange(value);
      expect(got, value).toMatchObject({ status: 206, range: `bytes 100-199/${size}` });
      expect(got.body.equals(webm.subarray(100, 200))).toBe(true);
    }
    for (const value of [
      '"another-version"',
      `W/${etag}`,
      new Date(mtime - 60_000).toUTCString(),
      'not a date',
    ]) {
      const got = await ifRange(value);
      expect(got, value).toMatchObject({ status: 200, range: null });
      expect(got.body.equals(webm), value).toBe(true);
    }

    // A new file is a new version: the old ETag gets it whole.
    const changed = Buffer.concat([webm, Buffer.from('more')]);
    writeFileSync(files.published, changed);
    const after = await get({ range: 'bytes=0-9', 'if-range': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(Buffer.from(await after.arrayBuffer()).equals(changed)).toBe(true);
    expect((await get({ 'if-none-match': etag })).status).toBe(200);
  });

  it('gives captions validators, and 304 when they are current', async () => {
    const path = `/api/recordings/rec1/captions/ja.vtt?token=${s1}`;
    const first = await api(path);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    expect(first.headers.get('last-modified')).toBeTruthy();
    await first.text();
    const again = await api(path, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('answers a method a path does not take with 405 and what it takes', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/api/recordings/rec1/media', 'GET, HEAD, OPTIONS'],
      ['POST', '/api/recordings/rec1/media', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/api/recordings/rec1/chapters.vtt', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/api/recordings/rec1', 'GET, HEAD, DELETE, OPTIONS'],
      ['GET', '/api/recordings/rec1/settings', 'POST, OPTIONS'],
      ['DELETE', '/api/recordings', 'GET, HEAD, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await api(`${path}?token=${teacher}`, {
        method,
        ...(method === 'GET' || method === 'DELETE' ? {} : { body: 'x' }),
      });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.json()).toEqual({
        code: 'INVALID_ARGUMENT',
        message: `${method} is not allowed here: this path takes ${allow}`,
      });
    }
    // Every path that takes GET takes HEAD.
    const head = await api(`/api/recordings/rec1?token=${s1}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('repeats little of what a request sent in its errors, and nothing unprintable', async () => {
    const messageOf = async (path: string) => {
      const res = await api(path);
      expect(res.status, path.slice(0, 80)).toBe(404);
      return ((await res.json()) as { message: string }).message;
    };
    const long = 'a'.repeat(10_000);
    const sneaky = encodeURIComponent('evil\u202Etxt.exe\u0000\n\u2066x');
    const messages = [
      await messageOf(`/api/recordings/${long}/media?token=${s1}`),
      await messageOf(`/api/recordings/${'b'.repeat(65)}?token=${s1}`),
      await messageOf(`/api/recordings/${sneaky}/media?token=${s1}`),
      await messageOf(`/api/recordings/rec1/captions/${sneaky}.vtt?token=${s1}`),
      await messageOf(`/api/recordings/rec1/captions/${long}.vtt?token=${s1}`),
      await messageOf(`/api/recordings/rec1/nope/${long}`),
      await messageOf(`/api/handouts/x/${long}`),
    ];
    expect(messages[0]).toBe(`no recording ${'a'.repeat(63)}…`);
    expect(messages[2]).toBe('no recording eviltxt.exex');
    expect(messages[3]).toContain("no captions in 'eviltxt.exex'");
    for (const message of messages) {
      // At most 64 characters of the input (63 and an ellipsis).
      expect(message, message).not.toMatch(/[ab]{64}/);
      expect(message, message).not.toMatch(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u);
    }
  });

  it('streams a large file whole to a client that reads it', async () => {
    const big = randomBytes(24 * 1024 * 1024);
    published('big', 'Big one', big);
    const res = await api(`/api/recordings/big/media?token=${s1}`);
    expect(res.status).toBe(200);
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.byteLength).toBe(big.byteLength);
    expect(createHash('sha256').update(got).digest('hex')).toBe(
      createHash('sha256').update(big).digest('hex'),
    );
  });

  it('reads the file only as fast as a slow client takes it, and closes it when the client goes', async () => {
    const files = published('slow', 'Slow one', Buffer.alloc(64 * 1024 * 1024, 7));
    /** Bytes this process has read from files and sockets (the server runs in it). */
    const readSoFar = () => Number(/rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
    const openCopies = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === files.published;
        } catch {
          return false;
        }
      }).length;
    const before = readSoFar();
    const req = get(`${t.httpUrl}/api/recordings/slow/media?token=${s1}`);
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(res.statusCode).toBe(200);
    res.pause();
    await sleep(500);
    // What the sockets hold (a few MB), not the 64 MB file.
    expect(readSoFar() - before).toBeLessThan(24 * 1024 * 1024);
    expect(openCopies()).toBe(1);
    req.destroy();
    await expect.poll(openCopies).toBe(0);
    expect((await media(s1, 'bytes=0-9')).status).toBe(206);
  });

  it('serves captions and chapters as WebVTT', async () => {
    const ja = await api(`/api/recordings/rec1/captions/ja.vtt?token=${s1}`);
    expect(ja.status).toBe(200);
    expect(ja.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(await ja.text()).toBe(CAPTIONS_JA);
    expect(await (await api(`/api/recordings/rec1/chapters.vtt?token=${s1}`)).text()).toBe(
      CHAPTERS,
    );
    const fr = await api(`/api/recordings/rec1/captions/fr.vtt?token=${s1}`);
    expect(fr.status).toBe(404);
    expect(((await fr.json()) as { message: string }).message).toContain('it has ja, es');
  });

  it('refuses a student of another class, who does not see it listed either', async () => {
    for (const path of ['media', 'captions/ja.vtt', 'chapters.vtt', '']) {
      const res = await api(`/api/recordings/rec1${path && '/'}${path}?token=${h1}`);
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('PERMISSION_DENIED');
    }
    const list = (await (await api(`/api/recordings?token=${h1}`)).json()) as {
      recordings: unknown[];
    };
    expect(list.recordings).toEqual([]);
    // Nor with a token for the lecture's room: the roster decides.
    const sneaky = await t.token('L1', 'h1', 'student');
    expect((await media(sneaky)).status).toBe(403);
  });

  it('wants a valid token', async () => {
    expect((await api('/api/recordings')).status).toBe(401);
    expect((await api('/api/recordings/rec1/media')).status).toBe(401);
    expect((await media('not-a-token')).status).toBe(401);
  });

  it('refuses downloads until a teacher allows them, and only a teacher may', async () => {
    const refused = await media(s1, undefined, '&download=1');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toContain(
      'not allowed downloading',
    );

    const set = (token: string, body: unknown) =>
      api('/api/recordings/rec1/settings', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await set(s1, { allowDownload: true })).status).toBe(403);
    expect((await set(teacher, { allowDownload: 'yes' })).status).toBe(400);
    const allowed = await set(teacher, { allowDownload: true });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ id: 'rec1', allowDownload: true });

    const download = await media(s1, undefined, '&download=1');
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(
      "attachment; filename*=UTF-8''Optics%20lenses%20%28part%201%29.webm",
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(webm)).toBe(true);

    const admin = await mintAdminToken(t.server.tokens, {
      schoolId: 'tokyo',
      identity: 'principal',
    });
    expect((await set(admin, { allowDownload: false })).status).toBe(200);
    expect((await media(s1, undefined, '&download=1')).status).toBe(403);
    const osaka = await mintAdminToken(t.server.tokens, { schoolId: 'osaka', identity: 'kato' });
    expect((await set(osaka, { allowDownload: true })).status).toBe(404);
  });

  it('says what is missing: an unknown id, a recording still publishing', async () => {
    const unknown = await api(`/api/recordings/nope/media?token=${s1}`);
    expect(unknown.status).toBe(404);
    const publishing = await api(`/api/recordings/rec2/media?token=${s1}`);
    expect(publishing.status).toBe(409);
    expect(await publishing.json()).toEqual({
      code: 'INVALID_STATE',
      message: 'the recording is still being published (42%)',
    });
    // A HEAD's refusal has no body: the connection's next answer is the next request's.
    const socket = connect(Number(new URL(t.httpUrl).port), '127.0.0.1');
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.write(`HEAD /api/recordings/rec1/media?token=${s1} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await expect.poll(() => got).toMatch(/^HTTP\/1\.1 200 .*\r\n\r\n$/s);
    expect(got.toLowerCase()).toContain(`content-length: ${webm.byteLength}\r\n`);
    socket.write(`HEAD /api/recordings/rec2/media?token=${s1} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await expect.poll(() => got).toMatch(/\r\n\r\nHTTP\/1\.1 409 .*\r\n\r\n$/s);
    socket.write(`GET /api/recordings/nope?token=${s1} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await expect.poll(() => got).toMatch(/\r\n\r\nHTTP\/1\.1 404 /);
    socket.destroy();
  });

  it('lets a page on another origin ask first (CORS preflight)', async () => {
    const res = await api('/api/recordings/rec1/media', {
      method: 'OPTIONS',
      headers: { origin: 'https://school.example', 'access-control-request-headers': 'range' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    for (const header of ['range', 'if-range', 'if-none-match'])
      expect(res.headers.get('access-control-allow-headers')).toContain(header);
  });

  it("an admin lists the school's recordings, by class", async () => {
    const admin = await mintAdminToken(t.server.tokens, {
      schoolId: 'tokyo',
      identity: 'principal',
    });
    const ids = async (query: string) =>
      (
        (await (await api(`/api/recordings?token=${admin}${query}`)).json()) as {
          recordings: { id: string }[];
        }
      ).recordings
        .map((r) => r.id)
        .sort();
    expect(await ids('')).toContain('rec1');
    expect(await ids('&class=2B')).toContain('rec1');
    expect(await ids('&class=3A')).toEqual([]);
    // ...and reads them, as ?token= or Bearer.
    expect((await api(`/api/recordings/rec1?token=${admin}`)).status).toBe(200);
    const watched = await api('/api/recordings/rec1/media', {
      headers: { authorization: `Bearer ${admin}`, range: 'bytes=0-9' },
    });
    expect(watched.status).toBe(206);
    await watched.arrayBuffer();
  });

  it('a teacher deletes a recording: its record and folder go', async () => {
    const files = published('gone', 'To delete', webm);
    expect((await api(`/api/recordings/gone?token=${s1}`, { method: 'DELETE' })).status).toBe(403);
    const res = await api('/api/recordings/gone', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${teacher}` },
    });
    expect(res.status).toBe(204);
    expect(existsSync(files.dir)).toBe(false);
    expect(t.server.school!.recording('gone')).toBeUndefined();
    expect((await api(`/api/recordings/gone?token=${s1}`)).status).toBe(404);
    // One still publishing is not deleted under its publisher.
    expect(
      (
        await api('/api/recordings/rec2', {
          method: 'DELETE',
          headers: { authorization: `Bearer ${teacher}` },
        })
      ).status,
    ).toBe(409);
  });
});
