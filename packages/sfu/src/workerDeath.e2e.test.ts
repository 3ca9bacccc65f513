import { afterEach, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { joinPeer, waitFor, type Peer } from './testing/peers.js';

describe('a mediasoup worker dying mid-lecture', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
    t = undefined;
  });

  it('is respawned, the classroom moves, and media flows to the students again', async () => {
    t = await startEphemeralServer({ workers: 2, resumeGraceMs: 10_000 });
    const teacher = await joinPeer(t, 'history', 'mr-okafor', 'teacher');
    const student = await joinPeer(t, 'history', 'chen', 'student');
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

    const classroom = t.server.classrooms.get('history')!;
    const roster = [...classroom.participants.keys()].sort();
    const before = [...student.client.remoteTracks.keys()];
    const resets: string[] = [];
    for (const p of [teacher, student])
      p.client.on('mediaReset', () => resets.push(p.client.self!.id));
    const deadPid = classroom.workerPid;
    process.kill(deadPid, 'SIGKILL');

    await waitFor('both clients to be told to reset their media', () => resets.length === 2);
    expect(classroom.workerPid).not.toBe(deadPid);
    expect([...classroom.participants.keys()].sort()).toEqual(roster);

    // The clients re-publish and re-subscribe on their own; new producers, media flowing again.
    await waitFor('new producers', () =>
      [...student.client.remoteTracks.keys()].every((id) => !before.includes(id)),
    );
    await flowing('media to flow again after the worker died');

    await waitFor('the pool to respawn the dead worker', () => t!.server.pool.workers.length === 2);
    expect(t.server.pool.workers.map((w) => w.pid)).not.toContain(deadPid);
    const deaths = await t.server.metrics.registry.getSingleMetricAsString(
      'cosmo_worker_deaths_total',
    );
    expect(deaths).toMatch(/cosmo_worker_deaths_total 1/);
  });
});
