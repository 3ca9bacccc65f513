import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { joinPeer, type Peer } from './testing/peers.js';

describe('a lecture over real WebRTC', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
    t = undefined;
  });

  async function join(identity: string, role: 'teacher' | 'student'): Promise<Peer> {
    const p = await joinPeer(t!, 'physics', identity, role);
    peers.push(p);
    return p;
  }

  it('students see and hear the teacher, a granted student is heard, and leaving frees the server', async () => {
    t = await startEphemeralServer();
    const teacher = await join('ms-tanaka', 'teacher');
    const students = [await join('aiko', 'student'), await join('bilal', 'student')];
    const speakers: string[] = [];
    students[0]!.client.on('activeSpeakers', (s) => speakers.push(s[0]?.participantId ?? ''));

    const audio = await teacher.publishTone();
    const video = await teacher.publishPattern();
    const classroom = t.server.classrooms.get('physics')!;
    const teacherOnServer = classroom.participants.get(teacher.client.self!.id)!;
    expect(teacherOnServer.producers.get(video)!.producer.rtpParameters.encodings).toHaveLength(3);

    for (const s of students) {
      await waitFor('decoded video frames and audible audio at each student', () => {
        const v = s.received.get(video);
        const a = s.received.get(audio);
        return !!v && !!a && v.units >= 10 && a.units >= 50 && a.peak > 1000;
      });
      expect(s.received.get(video)!.width).toBeGreaterThan(0);
    }

    // The loudest voice is announced as the active speaker.
    await waitFor('an active-speaker event naming the teacher', () =>
      speakers.includes(teacher.client.self!.id),
    );

    // A student on a small tile asks for the lowest simulcast layer and gets 160x90 frames.
    const small = students[1]!;
    await small.client.setVideoWidth(video, 160);
    const stats = small.received.get(video)!;
    await waitFor('the lowest layer to arrive', () => stats.width === 160, 15_000);
    expect(stats.height).toBe(90);

    // Lecture mode: a student may not speak until granted.
    const [aiko, bilal] = students as [Peer, Peer];
    await expect(aiko.publishTone()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await teacher.client.setPermissions(aiko.client.self!.id, {
      speak: true,
      video: false,
      screen: false,
      chat: true,
      draw: false,
    });
    const question = await aiko.publishTone();
    await waitFor('the teacher to hear the student', () => {
      const a = teacher.received.get(question);
      return !!a && a.units >= 50 && a.peak > 1000;
    });

    // Leaving closes that participant's transports and consumers on the server.
    const bilalId = bilal.client.self!.id;
    const onServer = classroom.participants.get(bilalId)!;
    const transports = [...onServer.transports.values()];
    const consumers = [...onServer.consumers.values()];
    expect(transports.length).toBeGreaterThan(0);
    expect(consumers.length).toBeGreaterThanOrEqual(2);
    const left: string[] = [];
    teacher.client.on('participantLeft', (p) => left.push(p.id));
    await bilal.close();
    await waitFor('bilal to leave', () => !classroom.participants.has(bilalId));
    expect(transports.every((x) => x.closed)).toBe(true);
    expect(consumers.every((x) => x.closed)).toBe(true);
    await waitFor('the others to be told', () => left.includes(bilalId));
  });
});
