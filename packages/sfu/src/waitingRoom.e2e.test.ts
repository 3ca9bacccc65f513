import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type Role, type cosmo } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { waitFor } from '@cosmo/testkit';
import { CloseCode } from './Connection.js';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';

/** One signalling socket, with what the server told it. */
interface Socket {
  c: SignallingClient;
  join: cosmo.v1.JoinResponse.$Shape;
  /** The latest waiting room a moderator was told of (join response or event). */
  waitingRoom: cosmo.v1.WaitingRoom.$Properties | undefined;
  admitted: number;
  closedWith: number | undefined;
}

describe('the waiting room', () => {
  // With the school on: the settings are kept in its SQLite file, which a restart opens again.
  const dataDir = mkdtempSync(joinPath(tmpdir(), 'cosmo-waiting-'));
  const options = { dataDir, captions: false, joinTimeoutMs: 1000 };
  let t: EphemeralServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startEphemeralServer(options);
    const roster = t.server.school!.repos.roster;
    const entry = (
      classId: string,
      personId: string,
      personName: string,
      role: 'teacher' | 'student',
    ) => ({
      schoolId: 'sakura',
      schoolName: 'Sakura High',
      classId,
      className: classId,
      personId,
      personName,
      role,
    });
    roster.importEntries([
      entry('2B', 'ms-sato', 'Ms Sato', 'teacher'),
      entry('2B', 'aiko', 'Aiko Tanaka', 'student'),
      entry('3C', 'mr-ito', 'Mr Ito', 'teacher'),
      entry('3C', 'yuki', 'Yuki Mori', 'student'),
    ]);
  });
  afterAll(async () => {
    for (const s of sockets) s.c.close();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function connect(): Promise<Socket> {
    const c = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const s: Socket = {
      c,
      join: {},
      waitingRoom: undefined,
      admitted: 0,
      closedWith: undefined,
    };
    c.on('event', (f) => {
      if (f.body === 'waitingRoom') s.waitingRoom = f.waitingRoom!;
      if (f.body === 'admitted') s.admitted++;
    });
    c.on('closed', (code) => (s.closedWith = code));
    sockets.push(s);
    return s;
  }

  async function joinAgain(s: Socket, room: string, identity: string, role: Role) {
    const res = await s.c.request('join', {
      token: await t.token(room, identity, role),
      protocolVersion: PROTOCOL_VERSION,
    });
    s.join = res.join!;
    if (s.join.waitingRoom) s.waitingRoom = s.join.waitingRoom;
    return s;
  }

  const join = async (room: string, identity: string, role: Role) =>
    joinAgain(await connect(), room, identity, role);

  /** Who the moderator `s` last heard is waiting, by identity. */
  const waiting = (s: Socket) => (s.waitingRoom?.waiting ?? []).map((w) => w.identity);

  it('keeps a student waiting until a teacher admits them, and closes a refused one with 4005', async () => {
    const teacher = await join('2B', 'ms-sato', 'teacher');
    expect(teacher.join.waitingRoom).toBeFalsy();
    const set = await teacher.c.request('setWaitingRoom', { enabled: true });
    expect(set.waitingRoom).toMatchObject({ enabled: true, admitRoster: false });

    const aiko = await join('2B', 'aiko', 'student');
    expect(aiko.join.waiting).toBe(true);
    expect(aiko.join.sessionId).toBeFalsy();
    expect(aiko.join.participants ?? []).toEqual([]);
    // Waiting is not joined: anything but join, leave and ping is refused.
    for (const [kind, body] of [
      ['sendChat', { text: 'let me in' }],
      ['raiseHand', {}],
      ['react', { emoji: '🙋' }],
      ['ackEvents', { lastSeq: 1 }],
      ['resume', { token: await t.token('2B', 'aiko', 'student'), sessionId: 'x' }],
    ] as const) {
      await expect(aiko.c.request(kind, body), kind).rejects.toMatchObject({
        code: 'INVALID_STATE',
        message: 'waiting to be let in',
      });
    }
    await aiko.c.request('ping', { clientTime: 1 });

    const kenji = await join('2B', 'kenji', 'student');
    expect(kenji.join.waiting).toBe(true);
    await waitFor('the teacher to see both waiting', () => waiting(teacher).length === 2);
    expect(teacher.waitingRoom!.waiting).toEqual([
      expect.objectContaining({ identity: 'aiko', name: 'Aiko Tanaka', onRoster: true }),
      expect.objectContaining({ identity: 'kenji', name: 'kenji', onRoster: false }),
    ]);
    expect(teacher.waitingRoom!.waiting![0]!.since).toBeGreaterThan(0);
    // Nobody in the classroom hears of them.
    expect(t.server.classrooms.get('2B')!.participants.size).toBe(1);

    // Waiting outlasts the join timeout.
    await new Promise((r) => setTimeout(r, 1300));
    expect(kenji.c.closed).toBe(false);

    await teacher.c.request('admit', { identities: ['aiko'] });
    await waitFor('aiko to be let in', () => aiko.admitted === 1);
    await joinAgain(aiko, '2B', 'aiko', 'student');
    expect(aiko.join.waiting).toBeFalsy();
    expect(aiko.join.sessionId).toBeTruthy();
    expect(aiko.join.waitingRoom).toBeFalsy();
    await aiko.c.request('sendChat', { text: 'thank you' });
    await waitFor('the list to shrink', () => waiting(teacher).join() === 'kenji');
    expect(kenji.admitted).toBe(0);

    // Let in once is let in for the rest of the lesson: a reconnect goes straight in.
    aiko.c.close();
    const back = await join('2B', 'aiko', 'student');
    expect(back.join.sessionId).toBeTruthy();

    await teacher.c.request('refuse', { identity: 'kenji' });
    await waitFor('kenji to be turned away', () => kenji.closedWith !== undefined);
    expect(kenji.closedWith).toBe(CloseCode.REFUSED);
    expect(kenji.closedWith).toBe(4005);
    await waitFor('the list to empty', () => waiting(teacher).length === 0);

    // A moderator goes straight in, and finds the waiting room in their join response.
    const assistant = await join('2B', 'mr-kato', 'assistant');
    expect(assistant.join.sessionId).toBeTruthy();
    expect(assistant.join.waitingRoom).toMatchObject({ enabled: true, admitRoster: false });
    // A student may not manage it.
    await expect(back.c.request('setWaitingRoom', { enabled: false })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    await expect(back.c.request('admit', { all: true })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('lets the roster straight in with admitRoster, and lets everyone in when turned off', async () => {
    const teacher = await join('3C', 'mr-ito', 'teacher');
    await teacher.c.request('setWaitingRoom', { enabled: true, admitRoster: true });
    const yuki = await join('3C', 'yuki', 'student');
    expect(yuki.join.waiting).toBeFalsy();
    expect(yuki.join.sessionId).toBeTruthy();

    const guests = [
      await join('3C', 'guest-1', 'student'),
      await join('3C', 'guest-2', 'observer'),
    ];
    for (const g of guests) expect(g.join.waiting).toBe(true);
    await waitFor('the teacher to see the guests', () => waiting(teacher).length === 2);
    expect(teacher.waitingRoom!.waiting!.every((w) => w.onRoster === false)).toBe(true);

    await teacher.c.request('setWaitingRoom', { enabled: false });
    await waitFor('both guests to be let in', () => guests.every((g) => g.admitted === 1));
    await joinAgain(guests[0]!, '3C', 'guest-1', 'student');
    await joinAgain(guests[1]!, '3C', 'guest-2', 'observer');
    for (const g of guests) expect(g.join.sessionId).toBeTruthy();
    await waitFor('the list to be off and empty', () => teacher.waitingRoom?.enabled === false);
    expect(waiting(teacher)).toEqual([]);
  });

  it('admits nobody when a teacher arrives; a waiting socket that closes or leaves is off the list', async () => {
    const first = await join('lab', 'dr-abe', 'teacher');
    await first.c.request('setWaitingRoom', { enabled: true });
    await first.c.request('leave', {});
    await waitFor('the empty classroom to close', () => !t.server.classrooms.get('lab'));

    // Alone in a classroom nobody is in: it stays open while she waits, and closes when she goes.
    const hana = await join('lab', 'hana', 'student');
    expect(hana.join.waiting).toBe(true);
    expect(t.server.classrooms.get('lab')?.participants.size).toBe(0);
    hana.c.close();
    await waitFor('the deserted classroom to close', () => !t.server.classrooms.get('lab'));

    const again = await join('lab', 'hana', 'student');
    expect(again.join.waiting).toBe(true);
    const teacher = await join('lab', 'dr-abe', 'teacher');
    expect(teacher.join.waitingRoom?.waiting?.map((w) => w.identity)).toEqual(['hana']);
    await new Promise((r) => setTimeout(r, 400));
    expect(again.admitted).toBe(0);
    await expect(again.c.request('raiseHand', {})).rejects.toMatchObject({ code: 'INVALID_STATE' });

    await again.c.request('leave', {});
    await waitFor('hana to be off the list', () => teacher.waitingRoom?.waiting?.length === 0);
    expect(again.c.closed).toBe(false);

    // Ending the class closes the sockets of those waiting too.
    const late = await join('lab', 'sora', 'student');
    expect(late.join.waiting).toBe(true);
    await teacher.c.request('endClass', {});
    await waitFor('the waiting socket to close', () => late.closedWith !== undefined);
    expect(late.closedWith).toBe(CloseCode.CLASS_ENDED);
  });

  it('is still on after a restart', async () => {
    await t.close();
    t = await startEphemeralServer(options);
    const student = await join('2B', 'riku', 'student');
    expect(student.join.waiting).toBe(true);
    const teacher = await join('2B', 'ms-sato', 'teacher');
    expect(teacher.join.waitingRoom).toMatchObject({ enabled: true });
    expect(waiting(teacher)).toEqual(['riku']);
  });
});
