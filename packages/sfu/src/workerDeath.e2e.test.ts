import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { waitFor } from '@cosmo/testkit';
import type { Classroom } from './Classroom.js';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { joinPeer, type Peer } from './testing/peers.js';

// mediasoup 3.12 closes a dead worker's routers (each emits `workerclose`) before the worker
// emits `died`: a classroom asks for its new router while the pool still lists the dying worker.
describe('a mediasoup worker dying mid-lecture', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  const sockets: SignallingClient[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
    t = undefined;
  });

  /** A teacher publishing a tone and a moving pattern to a student, media flowing. */
  async function lecture(room: string) {
    const teacher = await joinPeer(t!, room, 'mr-okafor', 'teacher');
    const student = await joinPeer(t!, room, 'chen', 'student');
    peers.push(teacher, student);
    await teacher.publishTone();
    await teacher.publishPattern();
    const flowing = (what: string) =>
      waitFor(what, () => {
        const tracks = [...student.client.remoteTracks.keys()].map((id) =>
          student.received.get(id),
        );
        return tracks.length === 2 && tracks.every((s) => (s?.units ?? 0) >= 10);
      });
    await flowing('media to flow to the student');
    const resets: string[] = [];
    for (const p of [teacher, student])
      p.client.on('mediaReset', () => resets.push(p.client.self!.id));
    return { teacher, student, flowing, resets, classroom: t!.server.classrooms.get(room)! };
  }

  /**
   * Kills the classroom's worker and checks that the classroom lived through it: the same object
   * with the same people, both clients told to reset, new producers carrying media, and a
   * request after the reset answered.
   */
  async function killWorkerAndExpectTheClassToGoOn(
    room: string,
    { teacher, student, flowing, resets, classroom }: Awaited<ReturnType<typeof lecture>>,
  ): Promise<number> {
    const roster = [...classroom.participants.keys()].sort();
    const before = [...student.client.remoteTracks.keys()];
    const deadPid = classroom.workerPid;
    process.kill(deadPid, 'SIGKILL');

    await waitFor('both clients to be told to reset their media', () => resets.length === 2);
    expect(classroom.closed).toBe(false);
    expect(t!.server.classrooms.get(room)).toBe(classroom);
    expect(classroom.workerPid).not.toBe(deadPid);
    expect([...classroom.participants.keys()].sort()).toEqual(roster);
    expect(teacher.client.state).toBe('connected');
    expect(student.client.state).toBe('connected');

    // The clients re-publish and re-subscribe on their own; new producers, media flowing again.
    await waitFor('new producers', () =>
      [...student.client.remoteTracks.keys()].every((id) => !before.includes(id)),
    );
    await flowing('media to flow again after the worker died');

    await student.client.raiseHand();
    expect(classroom.participants.get(student.client.self!.id)?.handRaised).toBe(true);
    return deadPid;
  }

  it('is respawned, the classroom moves, and media flows to the students again', async () => {
    t = await startEphemeralServer({ workers: 2, resumeGraceMs: 10_000 });
    const history = await lecture('history');
    const deadPid = await killWorkerAndExpectTheClassToGoOn('history', history);

    await waitFor('the pool to respawn the dead worker', () => t!.server.pool.workers.length === 2);
    expect(t.server.pool.workers.map((w) => w.pid)).not.toContain(deadPid);
    const deaths = await t.server.metrics.registry.getSingleMetricAsString(
      'cosmo_worker_deaths_total',
    );
    expect(deaths).toMatch(/cosmo_worker_deaths_total 1/);
  });

  it('when the only worker dies, the classroom waits for its replacement and keeps its class', async () => {
    t = await startEphemeralServer({ workers: 1, resumeGraceMs: 10_000 });
    const history = await lecture('history');
    const deadPid = await killWorkerAndExpectTheClassToGoOn('history', history);

    const [replacement] = t.server.pool.workers;
    expect(replacement?.pid).not.toBe(deadPid);
    expect(history.classroom.workerPid).toBe(replacement?.pid);
  });

  it('when the replacements die too, the classroom keeps trying and keeps its class', async () => {
    t = await startEphemeralServer({ workers: 1, resumeGraceMs: 10_000 });
    const history = await lecture('history');
    // The next two replacements die as they come up, before the classroom's router request
    // reaches them: the pool gives up on the second, and the classroom tries again later.
    let toKill = 2;
    t.server.pool.on('workerReplaced', (_dead, replacement) => {
      if (toKill-- > 0) process.kill(replacement.pid, 'SIGKILL');
    });
    await killWorkerAndExpectTheClassToGoOn('history', history);

    const deaths = await t.server.metrics.registry.getSingleMetricAsString(
      'cosmo_worker_deaths_total',
    );
    expect(deaths).toMatch(/cosmo_worker_deaths_total 3/);
  });

  it('when the worker the pool lists first dies, its classroom moves to the live worker, not back onto the dying one', async () => {
    t = await startEphemeralServer({ workers: 2, resumeGraceMs: 10_000 });
    const [first, second] = t.server.pool.workers;
    const history = await lecture('history');
    // A second classroom on the other worker, so both workers host one router when `first` dies.
    const maths = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    sockets.push(maths);
    await maths.request('join', {
      token: await t.token('maths', 'ms-ito', 'teacher'),
      protocolVersion: PROTOCOL_VERSION,
    });
    const mathsRoom: Classroom = t.server.classrooms.get('maths')!;
    expect(history.classroom.workerPid).toBe(first!.pid);
    expect(mathsRoom.workerPid).toBe(second!.pid);

    await killWorkerAndExpectTheClassToGoOn('history', history);
    expect(history.classroom.workerPid).toBe(second!.pid);
    expect(mathsRoom.closed).toBe(false);
    expect(mathsRoom.workerPid).toBe(second!.pid);
    await expect(maths.request('raiseHand', {})).resolves.toBeDefined();
  });
});
