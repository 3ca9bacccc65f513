import { afterEach, describe, expect, it } from 'vitest';
import { NodePeer, waitFor } from './testing/NodePeer.js';
import { startTestServer, type TestServer } from './testing/testServer.js';

describe('a mediasoup worker dying mid-lecture', () => {
  let t: TestServer | undefined;
  const peers: NodePeer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
    t = undefined;
  });

  it('is respawned, the classroom moves, and media flows to the students again', async () => {
    t = await startTestServer({ workers: 2, resumeGraceMs: 10_000 });
    const teacher = await NodePeer.connect(t.url, await t.token('history', 'mr-okafor', 'teacher'));
    const student = await NodePeer.connect(t.url, await t.token('history', 'chen', 'student'));
    peers.push(teacher, student);

    const publish = async () => [await teacher.publishAudio(), await teacher.publishVideo()];
    const watch = async () => {
      await waitFor('the teacher producers', () => student.producers().length === 2);
      for (const p of student.producers()) await student.consume(p.id!);
    };
    const flowing = (ids: string[]) =>
      waitFor('media to flow to the student', () =>
        ids.every((id) => (student.received.get(id)?.units ?? 0) >= 10),
      );

    let produced = await publish();
    await watch();
    await flowing(produced.map((p) => p.id));

    const classroom = t.server.classrooms.get('history')!;
    const roster = [...classroom.participants.keys()].sort();
    const deadPid = classroom.workerPid;
    process.kill(deadPid, 'SIGKILL');

    for (const p of [teacher, student]) {
      await waitFor('the media reset event', () => p.events.some((e) => e.body === 'mediaReset'));
      p.resetMedia();
    }
    expect(classroom.workerPid).not.toBe(deadPid);
    expect([...classroom.participants.keys()].sort()).toEqual(roster);

    produced = await publish();
    await watch();
    await flowing(produced.map((p) => p.id));

    await waitFor('the pool to respawn the dead worker', () => t!.server.pool.workers.length === 2);
    expect(t.server.pool.workers.map((w) => w.pid)).not.toContain(deadPid);
    const metrics = await t.server.metrics.registry.getSingleMetricAsString(
      'cosmo_worker_deaths_total',
    );
    expect(metrics).toMatch(/cosmo_worker_deaths_total 1/);
  });
});
