import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';

const REDIS_URL = process.env['COSMO_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Whether `peer` receives every track of `fromId` (at least `units` frames or packets each). */
function receivesAll(peer: Peer, fromId: string, tracks: number, units = 10): boolean {
  const mine = [...peer.client.remoteTracks.values()].filter((r) => r.participantId === fromId);
  return (
    mine.length === tracks &&
    mine.every((r) => (peer.received.get(r.producerId)?.units ?? 0) >= units)
  );
}

describe('a worker dying on a cluster node', () => {
  const nodes: EphemeralServer[] = [];
  const peers: Peer[] = [];
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
    for (const n of nodes) await n.close();
  });

  it('pipes the teacher from her node again, and the students there see and hear her again', async () => {
    const prefix = `cosmo-worker-${process.pid}-${Date.now()}`;
    const apiSecret = `worker-cluster-${crypto.randomUUID()}`;
    for (const nodeId of ['a', 'b'])
      nodes.push(
        await startEphemeralServer({
          apiSecret,
          school: false,
          resumeGraceMs: 10_000,
          cluster: { redisUrl: REDIS_URL, prefix, nodeId, seatsPerClassroom: 1, heartbeatMs: 500 },
        }),
      );
    const [a, b] = nodes as [EphemeralServer, EphemeralServer];
    const teacher = await joinPeer(a, 'hall', 'ms-sato', 'teacher');
    await teacher.publishTone();
    await teacher.publishPattern();
    const teacherId = teacher.client.self!.id;
    const student = await joinPeer(b, 'hall', 'chen', 'student');
    peers.push(teacher, student);
    expect(student.client.url).toBe(b.url);
    await waitFor('the student on B to see and hear the teacher', () =>
      receivesAll(student, teacherId, 2),
    );
    let again = 0;
    student.client.on('trackSubscribed', (t) => {
      if (t.participantId === teacherId) again++;
    });
    // B's only worker dies: its router, the student's transports and the pipes from A go with it.
    const workerPid = b.server.pool.workers[0]!.pid;
    process.kill(workerPid, 'SIGKILL');
    await waitFor(
      'the student to see and hear the teacher again through a new pipe',
      () => again >= 2 && receivesAll(student, teacherId, 2),
    );
    expect(b.server.pool.workers[0]!.pid).not.toBe(workerPid);
  }, 60_000);
});
