// Attacks on the signalling plane by people who hold a valid token: floods across reconnects,
// replayed tokens, seat grabs, rank games and text that has no UTF-8 form.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ServerFrame } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import type { ConfigInput } from './config.js';

const connect = (url: string, format: 'binary' | 'json' = 'binary') =>
  SignallingClient.connect({
    url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    format,
  });

describe('a participant with a valid token cannot wear the server down or cheat the room', () => {
  let t: EphemeralServer | undefined;
  const sockets: SignallingClient[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
    t = undefined;
  });
  const start = async (extra: ConfigInput = {}) => (t = await startEphemeralServer(extra));
  /** Connects and joins; the socket is closed after the test. */
  const joinAs = async (
    token: string,
    options: { format?: 'binary' | 'json'; reopen?: boolean } = {},
  ) => {
    const c = await connect(t!.url, options.format);
    sockets.push(c);
    const joined = await c.request('join', {
      token,
      protocolVersion: PROTOCOL_VERSION,
      ...(options.reopen ? { reopen: true } : {}),
    });
    return { c, joined };
  };
  const events = (c: SignallingClient, body: ServerFrame['body']) => {
    const seen: ServerFrame[] = [];
    c.on('event', (f) => {
      if (f.body === body) seen.push(f);
    });
    return seen;
  };

  it('a student flooding chat while reconnecting in a loop is held to one allowance per person', async () => {
    await start({
      identityLimits: { chatPerSecond: 1, chatBurst: 10, joinsPerMinute: 30, joinBurst: 10 },
    });
    const { c: teacher } = await joinAs(await t!.token('flood', 'teacher', 'teacher'));
    const chats = events(teacher, 'chat');
    const token = await t!.token('flood', 'spammer', 'student');
    const started = performance.now();
    let joins = 0;
    let limitedJoins = 0;
    let limitedChats = 0;
    for (let round = 0; round < 20; round++) {
      const c = await connect(t!.url);
      try {
        await c.request('join', { token, protocolVersion: PROTOCOL_VERSION });
        joins++;
      } catch (err) {
        expect(err).toMatchObject({ code: 'RATE_LIMITED' });
        limitedJoins++;
        c.close();
        continue;
      }
      const sent = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => c.request('sendChat', { text: `spam ${round}.${i}` })),
      );
      limitedChats += sent.filter(
        (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'RATE_LIMITED',
      ).length;
      c.close();
    }
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 200));
    // 400 messages over 20 sockets (10 of them joined); one person's allowance lets 10 through
    // plus one a second.
    expect(chats.length).toBeLessThanOrEqual(10 + Math.ceil(seconds) + 1);
    expect(chats.length).toBeGreaterThanOrEqual(10);
    // Every message not let through was answered RATE_LIMITED.
    expect(limitedChats + chats.length).toBe(joins * 20);
    // Joins: 10 at once, then one every two seconds.
    expect(joins).toBeLessThanOrEqual(10 + Math.ceil(seconds / 2) + 1);
    expect(limitedJoins).toBeGreaterThan(0);
    // The teacher's own socket is untouched.
    expect((await teacher.request('ping', { clientTime: 1 })).pong?.clientTime).toBe(1);
  });

  it('an ended class stays ended for its tokens until its teacher starts it again', async () => {
    await start();
    const teacherToken = await t!.token('ended', 'ms-sato', 'teacher');
    const studentToken = await t!.token('ended', 'wang', 'student');
    const { c: teacher } = await joinAs(teacherToken);
    const { c: student } = await joinAs(studentToken);
    const ended = events(student, 'classEnded');
    const closed = new Promise<number>((resolve) =>
      student.once('closed', (code) => resolve(code)),
    );
    await teacher.request('endClass', {});
    await expect.poll(() => ended.length).toBe(1);
    // Nobody is left on a socket with no classroom behind it.
    expect(await closed).toBe(4002);
    await expect.poll(() => t!.server.classrooms.has('ended')).toBe(false);

    // The same links, at once: refused, and no fresh classroom opens behind the teacher's back.
    await expect(joinAs(studentToken)).rejects.toMatchObject({ code: 'CLASS_ENDED' });
    await expect(joinAs(teacherToken)).rejects.toMatchObject({ code: 'CLASS_ENDED' });
    await expect(joinAs(studentToken, { reopen: true })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect(t!.server.classrooms.has('ended')).toBe(false);

    // Starting it again is the teacher's explicit act; then the students' links work again.
    const reopened = await joinAs(teacherToken, { reopen: true });
    expect(reopened.joined.join?.classroom?.ended).toBe(false);
    const back = await joinAs(studentToken);
    expect(back.joined.join?.self?.identity).toBe('wang');
  });

  it("a token signed after the class ended (the next lesson's) is let in", async () => {
    await start();
    const { c: teacher } = await joinAs(await t!.token('weekly', 'ms-sato', 'teacher'));
    await teacher.request('endClass', {});
    await expect.poll(() => t!.server.classrooms.has('weekly')).toBe(false);
    // Tokens carry their signing time to the second.
    await new Promise((r) => setTimeout(r, 1100));
    const next = await joinAs(await t!.token('weekly', 'wang', 'student'));
    expect(next.joined.join?.self?.identity).toBe('wang');
  });

  it('a lone participant reloading keeps the classroom, and a returning student gets their seat in a full room', async () => {
    await start({ maxParticipants: 2 });
    const teacherToken = await t!.token('reload', 'ms-sato', 'teacher');
    const { c: first } = await joinAs(teacherToken);
    const classroom = t!.server.classrooms.get('reload')!;
    const firstClosed = new Promise<number>((resolve) =>
      first.once('closed', (code) => resolve(code)),
    );
    const { joined } = await joinAs(teacherToken);
    expect(joined.join?.self?.identity).toBe('ms-sato');
    expect(await firstClosed).toBe(4003);
    expect(t!.server.classrooms.get('reload')).toBe(classroom);
    expect(classroom.closed).toBe(false);
    expect([...classroom.participants.values()].map((p) => p.identity)).toEqual(['ms-sato']);

    // Full (2 of 2): a stranger is refused; the student reloading takes their own seat back,
    // even after the teacher locked the room.
    const studentToken = await t!.token('reload', 'wang', 'student');
    const { c: teacher } = await joinAs(teacherToken);
    await joinAs(studentToken);
    await expect(joinAs(await t!.token('reload', 'eve', 'student'))).rejects.toMatchObject({
      code: 'ROOM_FULL',
    });
    await teacher.request('lockRoom', { locked: true });
    const again = await joinAs(studentToken);
    expect(again.joined.join?.participants?.map((p) => p.identity)).toEqual(['ms-sato']);
    expect(classroom.participants.size).toBe(2);
  });

  it("an assistant cannot lower the teacher's hand, alone or with everyone's", async () => {
    await start();
    const { c: teacher, joined: tj } = await joinAs(await t!.token('hands', 'ms-sato', 'teacher'));
    const { c: assistant } = await joinAs(await t!.token('hands', 'mr-ota', 'assistant'));
    const { c: student, joined: sj } = await joinAs(await t!.token('hands', 'wang', 'student'));
    await teacher.request('raiseHand', {});
    await student.request('raiseHand', {});
    const classroom = t!.server.classrooms.get('hands')!;
    const hand = (id: string | null | undefined) => classroom.participants.get(id!)!.handRaised;

    await expect(
      assistant.request('lowerHand', { participantId: tj.join!.participantId! }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(hand(tj.join!.participantId)).toBe(true);
    await assistant.request('lowerHand', { all: true });
    expect(hand(sj.join!.participantId)).toBe(false);
    expect(hand(tj.join!.participantId)).toBe(true);
  });

  it('a lone UTF-16 surrogate sent in the JSON form reaches binary clients repaired, not dropped', async () => {
    await start();
    const { c: binary } = await joinAs(await t!.token('utf', 'reader', 'student'));
    const chats = events(binary, 'chat');
    const { c: json } = await joinAs(await t!.token('utf', 'writer', 'student'), {
      format: 'json',
    });
    // The JSON form's encoder (JSON.stringify) writes the lone surrogate as the escape \ud800.
    await json.request('sendChat', { text: 'before \ud800 after' });
    await json.request('sendChat', { text: 'second 😀' });
    await expect
      .poll(() => chats.map((c) => c.chat?.text))
      .toEqual(['before \uFFFD after', 'second 😀']);
  });
});
