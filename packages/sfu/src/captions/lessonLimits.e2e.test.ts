import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type CosmoError } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';

/** `n` sentences of ten characters: the documented 100,000 characters at n = 10,000. */
const sentences = (n: number, ch: string, end: string) =>
  Array.from({ length: n }, () => ch.repeat(9)).join(end) + end.trim();

/** The documented limits, all reached: a 100,000-character text (300 KB of UTF-8) and two translations as long. */
const FULL = {
  text: sentences(10_000, '光', '。'),
  language: 'en',
  glossary: { 光: 'light' },
  translations: {
    ja: sentences(10_000, 'あ', '\n'),
    ko: sentences(10_000, '빛', '\n'),
  },
};

/** A raw protocol client, as code that does not use CosmoClient speaks it: no size checks of its own. */
async function rawJoin(t: EphemeralServer, identity: string, role: 'teacher' | 'student') {
  const signalling = await SignallingClient.connect({
    url: t.url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  await signalling.request('join', {
    token: await t.token('physics', identity, role),
    protocolVersion: PROTOCOL_VERSION,
  });
  return signalling;
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: CosmoError) => ({ code: err.code, reason: err.reason, params: err.params }),
  );

describe('a lesson as large as the documented limits, through a real server', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  const raw: SignallingClient[] = [];
  afterEach(async () => {
    for (const s of raw.splice(0)) s.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
  });

  it('is taken from the teacher, and every moderator sees it: the assistant in the room and one who joins later; no student does', async () => {
    t = await startEphemeralServer();
    const teacher = await joinPeer(t, 'physics', 'ms-tanaka', 'teacher', { autoSubscribe: 'none' });
    const assistant = await joinPeer(t, 'physics', 'mr-lee', 'assistant', {
      autoSubscribe: 'none',
    });
    const student = await joinPeer(t, 'physics', 'aiko', 'student', { autoSubscribe: 'none' });
    peers.push(teacher, assistant, student);
    expect(teacher.client.limits).toEqual({ maxFrameBytes: 65_536, maxLessonBytes: 1_048_576 });
    expect(FULL.text).toHaveLength(100_000);
    expect(FULL.translations.ja).toHaveLength(99_999);

    await teacher.client.request('setLesson', FULL);
    expect(teacher.client.state).toBe('connected');
    await waitFor('the assistant to see the lesson', () => assistant.client.lesson !== undefined);
    expect(assistant.client.lesson).toEqual(FULL);
    const later = await joinPeer(t, 'physics', 'ms-ito', 'assistant', { autoSubscribe: 'none' });
    peers.push(later);
    expect(later.client.lesson).toEqual(FULL);
    await waitFor('the captions languages', () =>
      (student.client.classroom?.captionLanguages ?? []).includes('ko'),
    );
    expect(student.client.lesson).toBeUndefined();
  }, 60_000);

  it('past the limit, is refused with INVALID_ARGUMENT (LESSON_TOO_LARGE) and the socket stays: by CosmoClient before sending, by the server for raw protocol', async () => {
    t = await startEphemeralServer();
    const teacher = await joinPeer(t, 'physics', 'ms-tanaka', 'teacher', { autoSubscribe: 'none' });
    peers.push(teacher);
    const tooLarge = {
      ...FULL,
      translations: { ...FULL.translations, fr: sentences(10_000, '눈', '\n') },
    };
    const local = await refusal(teacher.client.request('setLesson', tooLarge));
    expect(local).toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'LESSON_TOO_LARGE' });
    expect(Number(local!.params!.size)).toBeGreaterThan(1_048_576);
    expect(local!.params!.max).toBe('1048576');
    await teacher.client.request('ping', { clientTime: 1 });

    // Code speaking the protocol itself: the server answers under the request's id.
    const rawTeacher = await rawJoin(t, 'ms-tanaka-2', 'teacher');
    raw.push(rawTeacher);
    expect(await refusal(rawTeacher.request('setLesson', tooLarge))).toEqual({
      code: 'INVALID_ARGUMENT',
      reason: 'LESSON_TOO_LARGE',
      params: local!.params,
    });
    // Only the lesson may be large: another request as large is a BAD_FRAME, answered too.
    const bigChat = { text: 'x'.repeat(100_000) };
    expect(await refusal(rawTeacher.request('sendChat', bigChat))).toMatchObject({
      code: 'BAD_FRAME',
    });
    expect(rawTeacher.closed).toBe(false);
    await rawTeacher.request('setLesson', FULL);

    // A student's large frames are refused unread, whatever they carry.
    const rawStudent = await rawJoin(t, 'aiko', 'student');
    raw.push(rawStudent);
    expect(await refusal(rawStudent.request('setLesson', FULL))).toMatchObject({
      code: 'BAD_FRAME',
    });
    expect(await refusal(rawStudent.request('sendChat', bigChat))).toMatchObject({
      code: 'BAD_FRAME',
    });
    expect(rawStudent.closed).toBe(false);
    await rawStudent.request('ping', { clientTime: 1 });

    // Far past every limit (over 1 MiB + 4 × 64 KiB) the transport itself cuts the connection
    // (uWebSockets.js sends no close frame: 1006).
    const closed = new Promise<number>((resolve) => rawStudent.on('closed', resolve));
    rawStudent.sendRaw(new Uint8Array(1_400_000));
    expect(await closed).toBe(1006);
  }, 60_000);

  it('a refused lesson says which refusal it is, with its values, for the page to say it in its language', async () => {
    t = await startEphemeralServer();
    const teacher = await joinPeer(t, 'physics', 'ms-tanaka', 'teacher', { autoSubscribe: 'none' });
    peers.push(teacher);
    const text = 'Light bends. A prism splits it.';
    expect(
      await refusal(
        teacher.client.request('setLesson', {
          text,
          language: 'en',
          translations: { en: 'Light bends.\nA prism splits it.' },
        }),
      ),
    ).toEqual({ code: 'INVALID_ARGUMENT', reason: 'SPOKEN_LANGUAGE', params: { language: 'en' } });
    const many = Object.fromEntries(
      Array.from({ length: 17 }, (_, i) => [`x${String.fromCharCode(97 + i)}`, 'a\nb']),
    );
    expect(
      await refusal(
        teacher.client.request('setLesson', { text, language: 'en', translations: many }),
      ),
    ).toEqual({ code: 'INVALID_ARGUMENT', reason: 'TOO_MANY_LANGUAGES', params: { max: '16' } });
    expect(
      await refusal(
        teacher.client.request('setLesson', { text, language: 'en', translations: { ja: '光' } }),
      ),
    ).toEqual({
      code: 'INVALID_ARGUMENT',
      reason: 'LINES_MISMATCH',
      params: { language: 'ja', lines: '1', sentences: '2' },
    });
  }, 60_000);
});
