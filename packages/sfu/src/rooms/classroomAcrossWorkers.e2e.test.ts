import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';

/** Whether `peer` receives every track of `from` (at least `units` frames or packets each). */
function receivesAll(peer: Peer, fromId: string, tracks: number, units = 10): boolean {
  const mine = [...peer.client.remoteTracks.values()].filter((r) => r.participantId === fromId);
  return (
    mine.length === tracks &&
    mine.every((r) => (peer.received.get(r.producerId)?.units ?? 0) >= units)
  );
}

describe('a classroom across workers', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
    t = undefined;
  });

  it('puts students on both workers past the budget; everyone sees and hears the teacher, a granted student on the second is heard, and its death moves only its students', async () => {
    // Six consumers per worker: three students (audio + video each) fill the first.
    t = await startEphemeralServer({ workers: 2, consumersPerWorker: 6, resumeGraceMs: 10_000 });
    const teacher = await joinPeer(t, 'assembly', 'ms-sato', 'teacher');
    peers.push(teacher);
    await teacher.publishTone();
    await teacher.publishPattern();
    const teacherId = teacher.client.self!.id;
    const students: Peer[] = [];
    for (let i = 1; i <= 5; i++) {
      const student = await joinPeer(t, 'assembly', `s${i}`, 'student');
      peers.push(student);
      students.push(student);
      await waitFor(`student ${i} to see and hear the teacher`, () =>
        receivesAll(student, teacherId, 2),
      );
    }
    const classroom = t.server.classrooms.get('assembly')!;
    const pidOf = (p: Peer) =>
      classroom.workerPidOf(classroom.participants.get(p.client.self!.id)!);
    const [firstPid, secondPid] = classroom.workerPids;
    expect(new Set(classroom.workerPids).size).toBe(2);
    const onSecond = students.filter((s) => pidOf(s) === secondPid);
    const onFirst = students.filter((s) => pidOf(s) === firstPid);
    expect(onSecond.length).toBeGreaterThan(0);
    expect(onFirst.length).toBeGreaterThan(0);
    expect(pidOf(teacher)).toBe(firstPid);

    // A student on the second worker is let speak: the teacher, on the first, hears her.
    const speaker = onSecond[0]!;
    const speakerId = speaker.client.self!.id;
    await teacher.client.setPermissions(speakerId, {
      speak: true,
      video: false,
      screen: false,
      chat: true,
      draw: false,
    });
    await waitFor('the grant to reach the student', () => speaker.client.self!.permissions.speak);
    await speaker.publishTone();
    await waitFor('the teacher to hear the student on the other worker', () =>
      receivesAll(teacher, speakerId, 1),
    );

    // The second worker dies: only its students reset their media, and they see the teacher again.
    const resets = new Set<Peer>();
    for (const p of peers) p.client.on('mediaReset', () => resets.add(p));
    // Tracks subscribed afresh after the reset (the teacher's producers stay the same).
    const resubscribed = new Map<Peer, number>(onSecond.map((s) => [s, 0]));
    for (const s of onSecond)
      s.client.on('trackSubscribed', () => {
        if (resets.has(s)) resubscribed.set(s, resubscribed.get(s)! + 1);
      });
    process.kill(secondPid!, 'SIGKILL');
    await waitFor('the second worker’s students to be told', () =>
      onSecond.every((s) => resets.has(s)),
    );
    for (const s of onSecond) {
      await waitFor(
        'a moved student to see and hear the teacher again',
        () => resubscribed.get(s)! >= 2 && receivesAll(s, teacherId, 2),
      );
    }
    expect([...resets].filter((p) => !onSecond.includes(p))).toEqual([]);
    expect(classroom.closed).toBe(false);
    expect(classroom.participants.size).toBe(6);
    for (const s of onFirst) expect(receivesAll(s, teacherId, 2)).toBe(true);
  });

  it("carries the node's media on each worker's fixed WebRTC server port", async () => {
    const port = await freeUdpPortPair();
    t = await startEphemeralServer({ workers: 2, mediaPort: port });
    const teacher = await joinPeer(t, 'ports', 'ms-sato', 'teacher');
    const student = await joinPeer(t, 'ports', 'chen', 'student');
    peers.push(teacher, student);
    await teacher.publishTone();
    await waitFor('the student to hear the teacher', () =>
      receivesAll(student, teacher.client.self!.id, 1),
    );
    const classroom = t.server.classrooms.get('ports')!;
    const ports = new Set<number>();
    for (const p of classroom.participants.values())
      for (const transport of p.transports.values())
        for (const c of transport.iceCandidates) ports.add(c.port);
    // Every candidate is a worker's server port (worker n on port + n), UDP and TCP alike.
    expect([...ports].every((p) => p === port || p === port + 1)).toBe(true);
    expect(ports.size).toBeGreaterThan(0);
  });
});

/** A UDP port whose next one is free too (the two workers' servers), checked by binding. */
async function freeUdpPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const bound = await Promise.all([base, base + 1].map((p) => canBind(p)));
    if (bound.every(Boolean)) return base;
  }
  throw new Error('no free pair of UDP ports');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}
