import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, cosmo, type ServerFrame } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { rosterCsv } from '@cosmo/school/testing';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { joinPeer, type Peer } from './testing/peers.js';

const { BREAKOUT_MODE_RANDOM, BREAKOUT_MODE_GROUP } = cosmo.v1.BreakoutMode;
type MoveTo = NonNullable<ServerFrame['moveTo']>;

/** One signalling socket (the SDK does not follow moves here: the test does, by hand). */
interface Socket {
  c: SignallingClient;
  identity: string;
  join: cosmo.v1.JoinResponse.$Shape;
  events: ServerFrame[];
}

describe('breakout rooms', () => {
  let t: EphemeralServer;
  const sockets: Socket[] = [];
  const peers: Peer[] = [];

  beforeAll(async () => {
    t = await startEphemeralServer({ captions: false });
    const school = t.server.school!;
    expect(school.importRosterCsv(rosterCsv(4))).toMatchObject({ ok: true });
    const start = Date.now() - 60_000;
    school.addLecture({
      id: 'opt-1',
      classId: '2B',
      title: 'Optics',
      startsAt: start,
      endsAt: start + 3_600_000,
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.c.close();
    await Promise.all(peers.map((p) => p.close()));
    await t?.close();
  });

  async function connect(identity: string): Promise<Socket> {
    const c = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const s: Socket = { c, identity, join: {}, events: [] };
    c.on('event', (f) => s.events.push(f));
    sockets.push(s);
    return s;
  }

  async function joinWith(s: Socket, token: string): Promise<Socket> {
    s.join = (await s.c.request('join', { token, protocolVersion: PROTOCOL_VERSION })).join!;
    return s;
  }

  const join = async (room: string, identity: string, role: 'teacher' | 'student') =>
    joinWith(await connect(identity), await t.token(room, identity, role));

  /** The events of one kind a socket was sent, oldest first. */
  const got = <K extends ServerFrame['body']>(s: Socket, kind: K) =>
    s.events
      .filter((f) => f.body === kind)
      .map((f) => (f as Record<string, unknown>)[kind!]) as NonNullable<
      ServerFrame[NonNullable<K>]
    >[];

  /** Who a socket has been told is in its room since its last join. */
  function seenBy(s: Socket): Set<string> {
    const seen = new Set((s.join.participants ?? []).map((p) => p.identity!));
    const since = s.events.findLastIndex((f) => f.body === 'moveTo');
    for (const f of s.events.slice(since + 1)) {
      if (f.body === 'participantJoined') seen.add(f.participantJoined!.participant!.identity!);
      if (f.body === 'participantsJoined')
        for (const p of f.participantsJoined!.participants ?? []) seen.add(p.identity!);
    }
    return seen;
  }

  /** Waits for the `n`th moveTo of a socket. */
  async function moveOf(s: Socket, n = 1): Promise<MoveTo> {
    await waitFor(`${s.identity} to be moved`, () => got(s, 'moveTo').length >= n);
    return got(s, 'moveTo')[n - 1]!;
  }

  /** Follows a move as the SDK will: leave, then join with the token, on the same socket. */
  async function follow(s: Socket, move: MoveTo): Promise<Socket> {
    await s.c.request('leave', {});
    return joinWith(s, move.token!);
  }

  it('moves students into rooms, keeps the rooms apart, and calls everyone back', async () => {
    const teacher = await join('opt-1', 'tanaka', 'teacher');
    const students = await Promise.all(
      ['s1', 's2', 's3', 's4'].map((id) => join('opt-1', id, 'student')),
    );
    await expect(
      students[0]!.c.request('startBreakout', {
        rooms: 2,
        mode: BREAKOUT_MODE_RANDOM,
        durationSeconds: 600,
      }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(
      teacher.c.request('startBreakout', {
        rooms: 2,
        mode: BREAKOUT_MODE_GROUP,
        durationSeconds: 600,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'NO_ROSTER_GROUPS' });
    await expect(
      teacher.c.request('startBreakout', {
        rooms: 5,
        mode: BREAKOUT_MODE_RANDOM,
        durationSeconds: 600,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'ROOM_COUNT' });
    await expect(teacher.c.request('extendBreakout', { seconds: 60 })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });

    await teacher.c.request('startBreakout', {
      rooms: 2,
      mode: BREAKOUT_MODE_RANDOM,
      durationSeconds: 600,
      names: ['Lenses', ''],
    });
    await expect(
      teacher.c.request('startBreakout', {
        rooms: 2,
        mode: BREAKOUT_MODE_RANDOM,
        durationSeconds: 600,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('running') });

    // Everyone in the main room hears of it: the teacher with who is where, students without.
    await waitFor('breakoutStarted everywhere', () =>
      [teacher, ...students].every((s) => got(s, 'breakoutStarted').length === 1),
    );
    const started = got(teacher, 'breakoutStarted')[0]!.breakout!;
    expect(started.rooms!.map((r) => [r.id, r.name])).toEqual([
      ['opt-1~b1', 'Lenses'],
      ['opt-1~b2', 'Room 2'],
    ]);
    expect(started.rooms!.map((r) => r.identities!.length)).toEqual([2, 2]);
    expect(got(students[0]!, 'breakoutStarted')[0]!.breakout!.rooms![0]!.identities).toEqual([]);

    // Each student is sent a token of its own for its room, where it may speak and show video.
    const moves = await Promise.all(students.map((s) => moveOf(s)));
    for (const [i, move] of moves.entries()) {
      const claims = await t.server.tokens.verify(move.token);
      const room = started.rooms!.find((r) => r.identities!.includes(students[i]!.identity))!;
      expect(move).toMatchObject({ room: room.id, reason: 'breakout', roomName: room.name });
      expect(claims).toMatchObject({
        identity: students[i]!.identity,
        room: room.id,
        role: 'student',
        grants: { speak: true, video: true },
      });
    }
    await Promise.all(students.map((s, i) => follow(s, moves[i]!)));
    const roomOf = (s: Socket) => s.join.classroom!.room!;
    for (const s of students) {
      // A room of the lecture: its class, its lecture, its own participants.
      expect(s.join.classroom).toMatchObject({ classId: '2B', lectureId: 'opt-1' });
      expect(s.join.breakout?.rooms?.map((r) => r.id)).toEqual(['opt-1~b1', 'opt-1~b2']);
    }
    for (const s of students) {
      const mates = students.filter((o) => o !== s && roomOf(o) === roomOf(s));
      expect(mates).toHaveLength(1);
      await waitFor(`${s.identity} to see its room-mate`, () =>
        [...seenBy(s)].includes(mates[0]!.identity),
      );
      expect([...seenBy(s)]).toEqual([mates[0]!.identity]);
    }
    // Nothing that makes no sense in a breakout room, or for a student, is done.
    await expect(
      students[0]!.c.request('chooseBreakoutRoom', { roomId: 'opt-1~b2' }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(
      teacher.c.request('visitBreakoutRoom', { roomId: 'opt-1~b9' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Extended once: everyone, in every room, hears the later end.
    await teacher.c.request('extendBreakout', { seconds: 300 });
    await waitFor('breakoutUpdated everywhere', () =>
      [teacher, ...students].every((s) => got(s, 'breakoutUpdated').length === 1),
    );
    for (const s of [teacher, ...students])
      expect(got(s, 'breakoutUpdated')[0]!.breakout!.endsAt).toBe(started.endsAt! + 300_000);
    await expect(teacher.c.request('extendBreakout', { seconds: 4 * 3600 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      reason: 'TOO_LONG',
    });

    // A message reaches both rooms and the main room.
    await teacher.c.request('breakoutMessage', { text: 'Two minutes left' });
    await waitFor('the message in every room', () =>
      [teacher, ...students].every((s) => got(s, 'breakoutMessage').length === 1),
    );
    expect(got(students[3]!, 'breakoutMessage')[0]).toMatchObject({
      text: 'Two minutes left',
      fromName: 'tanaka',
    });

    // The teacher visits room 1, as a teacher, and calls everyone back from there.
    await teacher.c.request('visitBreakoutRoom', { roomId: 'opt-1~b1' });
    const visit = await moveOf(teacher);
    expect(visit).toMatchObject({ room: 'opt-1~b1', reason: 'visit' });
    await follow(teacher, visit);
    expect(teacher.join.self).toMatchObject({
      identity: 'tanaka',
      role: cosmo.v1.Role.ROLE_TEACHER,
    });
    await expect(
      teacher.c.request('startBreakout', {
        rooms: 1,
        mode: BREAKOUT_MODE_RANDOM,
        durationSeconds: 600,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await teacher.c.request('endBreakout', {});

    const backs = await Promise.all([teacher, ...students].map((s) => moveOf(s, 2)));
    for (const back of backs) expect(back).toMatchObject({ room: 'opt-1', reason: 'called_back' });
    await waitFor('breakoutEnded everywhere', () =>
      [teacher, ...students].every((s) => got(s, 'breakoutEnded').length === 1),
    );
    const breakoutTokens = moves.map((m) => m.token!);
    await Promise.all([teacher, ...students].map((s, i) => follow(s, backs[i]!)));
    for (const s of [teacher, ...students]) {
      expect(s.join.classroom!.room).toBe('opt-1');
      expect(s.join.breakout).toBeFalsy();
    }
    expect(t.server.classrooms.get('opt-1')!.participants.size).toBe(5);

    // The breakout rooms are over: their tokens are refused.
    for (const token of breakoutTokens) {
      const late = await connect('late');
      await expect(joinWith(late, token)).rejects.toMatchObject({ code: 'CLASS_ENDED' });
    }

    // Presence in a breakout room is presence in the lecture.
    const school = t.server.school!;
    const joins = school.repos.attendance
      .events('opt-1')
      .filter((e) => e.personId === 's1' && e.kind === 'join');
    expect(joins).toHaveLength(3);
    const rows = school.attendance('opt-1');
    expect(rows.filter((r) => r.personId.startsWith('s')).map((r) => r.status)).toEqual([
      'present',
      'present',
      'present',
      'present',
    ]);
  });

  it('lets students choose, sends a reloading student back to their room, and skips the waiting room on return', async () => {
    const teacher = await join('chem', 'mori', 'teacher');
    const [x, y] = await Promise.all(['x', 'y'].map((id) => join('chem', id, 'student')));
    await teacher.c.request('setWaitingRoom', { enabled: true });
    await teacher.c.request('startBreakout', {
      rooms: 2,
      mode: cosmo.v1.BreakoutMode.BREAKOUT_MODE_CHOOSE,
      durationSeconds: 600,
    });
    await waitFor('the rooms offered', () => got(x!, 'breakoutStarted').length === 1);
    const rooms = got(x!, 'breakoutStarted')[0]!.breakout!.rooms!.map((r) => r.id!);
    expect(rooms).toEqual(['chem~b1', 'chem~b2']);
    expect(got(x!, 'moveTo')).toEqual([]);
    await expect(x!.c.request('chooseBreakoutRoom', { roomId: 'chem~b9' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await x!.c.request('chooseBreakoutRoom', { roomId: 'chem~b2' });
    const move = await moveOf(x!);
    expect(move).toMatchObject({ room: 'chem~b2', reason: 'breakout' });
    await waitFor('the teacher to see the choice', () =>
      got(teacher, 'breakoutUpdated').some(
        (u) => u.breakout!.rooms![1]!.identities!.join() === 'x',
      ),
    );
    await follow(x!, move);
    expect(got(y!, 'moveTo')).toEqual([]);

    // A reload: the page joins the main room with its own token, and is sent back to its room.
    const reloaded = await join('chem', 'x', 'student');
    expect(reloaded.join.breakout?.rooms).toHaveLength(2);
    const again = await moveOf(reloaded);
    expect(again).toMatchObject({ room: 'chem~b2', reason: 'breakout' });
    await follow(reloaded, again);

    // Everyone leaves the main room (its classroom closes); the end brings them back in.
    await y!.c.request('leave', {});
    await teacher.c.request('visitBreakoutRoom', { roomId: 'chem~b2' });
    await follow(teacher, await moveOf(teacher));
    await waitFor('the main room to close', () => !t.server.classrooms.has('chem'));
    await teacher.c.request('endBreakout', {});
    const back = await moveOf(reloaded, 2);
    expect(back).toMatchObject({ room: 'chem', reason: 'called_back' });
    await follow(reloaded, back);
    expect(reloaded.join.waiting).toBeFalsy();
    expect(reloaded.join.classroom?.room).toBe('chem');
  });

  it('gives each room its own media, and ends on time', async () => {
    t.server.breakouts.setLimitsForTesting({ minSeconds: 1 });
    const teacher = await join('lab', 'teacher', 'teacher');
    const lobby = await Promise.all(['a', 'b', 'c', 'd'].map((id) => join('lab', id, 'student')));
    await teacher.c.request('startBreakout', {
      rooms: 2,
      mode: BREAKOUT_MODE_RANDOM,
      durationSeconds: 15,
    });
    const moves = await Promise.all(lobby.map((s) => moveOf(s)));
    // Into the rooms with the SDK and real WebRTC: each student speaks.
    for (const s of lobby) await s.c.request('leave', {});
    const inRooms = await Promise.all(
      moves.map((move, i) =>
        joinPeer(
          { url: t.url, token: async () => move.token! },
          move.room!,
          lobby[i]!.identity,
          'student',
        ),
      ),
    );
    peers.push(...inRooms);
    const mics = await Promise.all(inRooms.map((p) => p.publishTone()));
    for (const [i, peer] of inRooms.entries()) {
      const mates = mics.filter((_, j) => j !== i && moves[j]!.room === moves[i]!.room);
      const others = mics.filter((_, j) => moves[j]!.room !== moves[i]!.room);
      await waitFor(`${lobby[i]!.identity} to hear its room-mate`, () =>
        mates.every((id) => (peer.received.get(id)?.units ?? 0) > 0),
      );
      for (const id of others) expect(peer.received.has(id)).toBe(false);
    }
    // The teacher waits in room 1 for the end: the timer calls everyone back.
    await teacher.c.request('visitBreakoutRoom', { roomId: moves[0]!.room! });
    await follow(teacher, await moveOf(teacher));
    const back = await moveOf(teacher, 2);
    expect(back).toMatchObject({ room: 'lab', reason: 'breakout_ended' });
    await waitFor('breakoutEnded', () => got(teacher, 'breakoutEnded').length === 1);
    await expect(joinWith(await connect('late'), moves[0]!.token!)).rejects.toMatchObject({
      code: 'CLASS_ENDED',
    });
  }, 60_000);
});
