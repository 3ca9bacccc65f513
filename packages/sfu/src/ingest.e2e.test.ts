import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ServerFrame } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';

const OPUS = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 4242 }],
};

/** An RTP packet with an Opus payload of `size` bytes. */
function rtp(seq: number, size = 60): Buffer {
  const packet = Buffer.alloc(12 + size, 0x5a);
  packet[0] = 0x80;
  packet[1] = 100;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(seq * 960, 4);
  packet.writeUInt32BE(4242, 8);
  return packet;
}

describe('RTP ingest (an external encoder publishing as a participant)', () => {
  let t: EphemeralServer;
  const events: ServerFrame[] = [];
  const join = async (identity: string, role: 'teacher' | 'student') => {
    const c = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    await c.request('join', {
      token: await t.token('ingest', identity, role),
      protocolVersion: PROTOCOL_VERSION,
    });
    return c;
  };
  beforeAll(async () => {
    t = await startEphemeralServer();
  });
  afterAll(() => t.close());

  it("publishes plain RTP as the teacher's microphone, refuses a student, closes with the teacher", async () => {
    const teacher = await join('teacher', 'teacher');
    const student = await join('student', 'student');
    student.on('event', (f) => events.push(f));
    const classroom = t.server.classrooms.get('ingest')!;
    const as = (identity: string) =>
      [...classroom.participants.values()].find((p) => p.identity === identity)!;

    await expect(classroom.ingestRtp(as('student'), 'microphone', OPUS)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const ingest = await classroom.ingestRtp(as('teacher'), 'microphone', OPUS);
    expect(ingest.ip).toBe('127.0.0.1');
    await expect.poll(() => events.some((f) => f.body === 'producerAdded')).toBe(true);

    const socket = dgram.createSocket('udp4');
    for (let seq = 1; seq <= 20; seq++) socket.send(rtp(seq), ingest.port, ingest.ip);
    await expect.poll(async () => (await ingest.producer.getStats())[0]?.packetCount ?? 0).toBe(20);
    socket.close();

    teacher.close();
    await expect.poll(() => ingest.producer.closed).toBe(true);
    expect(as('teacher')?.ingests.size ?? 0).toBe(0);
    student.close();
  });
});
