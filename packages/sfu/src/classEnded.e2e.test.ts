import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ServerFrame } from '@cosmo/core';
import { SignallingClient, type ConnectionState, type WebSocketConstructor } from '@cosmo/client';
import { waitFor } from '@cosmo/testkit';
import { CloseCode } from './Connection.js';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { joinPeer, type Peer } from './testing/peers.js';

describe('a class the server has to end', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  const sockets: SignallingClient[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
    t = undefined;
  });

  /**
   * A teacher on the SDK, with media, and a student on a bare signalling socket (to see the close
   * code), both in `history`; records what each is told.
   */
  async function classInSession(server: EphemeralServer) {
    const teacher = await joinPeer(server, 'history', 'mr-okafor', 'teacher');
    peers.push(teacher);
    await teacher.publishTone();
    const teacherSaw = { states: [] as ConnectionState[], ended: [] as string[] };
    teacher.client.on('stateChanged', (s) => teacherSaw.states.push(s));
    teacher.client.on('classEnded', (_by, reason) => teacherSaw.ended.push(reason));

    const student = await SignallingClient.connect({
      url: server.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    sockets.push(student);
    const studentSaw = { events: [] as ServerFrame[], closed: [] as [number, string][] };
    student.on('event', (frame) => studentSaw.events.push(frame));
    student.on('closed', (code, reason) => studentSaw.closed.push([code, reason]));
    await student.request('join', {
      token: await server.token('history', 'chen', 'student'),
      protocolVersion: PROTOCOL_VERSION,
    });
    return { teacher, teacherSaw, student, studentSaw };
  }

  it('when its classroom cannot get a new router, everyone is told why and their sockets close with 4002', async () => {
    t = await startEphemeralServer({ workers: 1 });
    const { teacher, teacherSaw, studentSaw } = await classInSession(t);
    const classroom = t.server.classrooms.get('history')!;

    // With the pool gone, the classroom's router closes and no worker can host another one.
    t.server.pool.close();

    await waitFor('the student socket to close', () => studentSaw.closed.length === 1);
    const ended = studentSaw.events.filter((f) => f.body === 'classEnded');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.classEnded!.reason).toBe('media_unavailable');
    expect(studentSaw.closed[0]![0]).toBe(CloseCode.CLASS_ENDED);

    await waitFor('the teacher client to close', () => teacher.client.state === 'closed');
    expect(teacherSaw.ended).toEqual(['media_unavailable']);
    // A final close: the SDK does not try to reconnect to a class that is over.
    expect(teacherSaw.states).toEqual(['closed']);
    expect(classroom.closed).toBe(true);
    expect(t.server.classrooms.has('history')).toBe(false);
  });

  it('when the server shuts down (a restart, a deploy), sockets close with going-away and the SDK tries to come back', async () => {
    t = await startEphemeralServer();
    const { teacherSaw, studentSaw } = await classInSession(t);

    await t.close();
    t = undefined;

    await waitFor('the student socket to close', () => studentSaw.closed.length === 1);
    // The class is not over: nobody is told it ended, and clients reconnect to the server that
    // comes back.
    expect(studentSaw.events.filter((f) => f.body === 'classEnded')).toEqual([]);
    expect(studentSaw.closed[0]![0]).toBe(CloseCode.GOING_AWAY);
    await waitFor('the teacher client to try again', () =>
      teacherSaw.states.includes('reconnecting'),
    );
    expect(teacherSaw.ended).toEqual([]);
  });
});
