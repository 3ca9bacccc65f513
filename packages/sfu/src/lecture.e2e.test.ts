import { afterEach, describe, expect, it } from 'vitest';
import { NodePeer, waitFor } from './testing/NodePeer.js';
import { startTestServer, type TestServer } from './testing/testServer.js';

describe('a lecture over real WebRTC', () => {
  let t: TestServer | undefined;
  const peers: NodePeer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
    t = undefined;
  });

  async function peer(identity: string, role: 'teacher' | 'student'): Promise<NodePeer> {
    const p = await NodePeer.connect(t!.url, await t!.token('physics', identity, role));
    peers.push(p);
    return p;
  }

  it('students see and hear the teacher, a granted student is heard, and leaving frees the server', async () => {
    t = await startTestServer();
    const teacher = await peer('ms-tanaka', 'teacher');
    const students = [await peer('aiko', 'student'), await peer('bilal', 'student')];

    const audio = await teacher.publishAudio();
    const video = await teacher.publishVideo();
    expect(video.rtpParameters.encodings).toHaveLength(3);

    for (const s of students) {
      await waitFor('the teacher producers to be announced', () => s.producers().length === 2);
      for (const p of s.producers()) await s.consume(p.id!);
    }
    for (const s of students) {
      await waitFor('decoded video frames and audible audio at each student', () => {
        const v = s.received.get(video.id);
        const a = s.received.get(audio.id);
        return !!v && !!a && v.units >= 10 && a.units >= 50 && a.peak > 1000;
      });
      expect(s.received.get(video.id)!.width).toBeGreaterThan(0);
    }

    // The loudest voice is announced as the active speaker.
    await waitFor('an active-speaker event naming the teacher', () =>
      students[0]!.events.some(
        (e) =>
          e.body === 'activeSpeaker' && e.activeSpeaker.speakers?.[0]?.participantId === teacher.id,
      ),
    );

    // A student on a small tile asks for the lowest simulcast layer and gets 160x90 frames.
    const small = students[1]!;
    const stats = small.received.get(video.id)!;
    await small.signalling.request('setPreferredLayers', {
      consumerId: stats.consumerId,
      spatialLayer: 0,
    });
    await waitFor('the lowest layer to arrive', () => stats.width === 160, 15_000);
    expect(stats.height).toBe(90);

    // Lecture mode: a student may not speak until granted.
    const [aiko, bilal] = students as [NodePeer, NodePeer];
    await expect(aiko.publishAudio()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await teacher.signalling.request('setPermissions', {
      participantId: aiko.id,
      permissions: { speak: true, video: false, screen: false, chat: true },
    });
    const question = await aiko.publishAudio();
    await waitFor('the question to be announced to the teacher', () =>
      teacher.producers().some((p) => p.id === question.id),
    );
    await teacher.consume(question.id);
    await waitFor('the teacher to hear the student', () => {
      const a = teacher.received.get(question.id);
      return !!a && a.units >= 50 && a.peak > 1000;
    });

    // Leaving closes that participant's transports and consumers on the server.
    const classroom = t.server.classrooms.get('physics')!;
    const onServer = classroom.participants.get(bilal.id)!;
    const transports = [...onServer.transports.values()];
    const consumers = [...onServer.consumers.values()];
    expect(transports.length).toBeGreaterThan(0);
    expect(consumers).toHaveLength(2);
    await bilal.close();
    await waitFor('bilal to leave', () => !classroom.participants.has(bilal.id));
    expect(transports.every((x) => x.closed)).toBe(true);
    expect(consumers.every((x) => x.closed)).toBe(true);
    await waitFor('the others to be told', () =>
      teacher.events.some(
        (e) => e.body === 'participantLeft' && e.participantLeft.participantId === bilal.id,
      ),
    );
  });
});
