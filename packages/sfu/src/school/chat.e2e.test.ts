import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';

describe('class chat history', () => {
  let t: EphemeralServer;
  const clients: SignallingClient[] = [];
  beforeAll(async () => {
    // The teacher posts 60 lines back to back: past one person's chat allowance.
    t = await startEphemeralServer({ identityLimits: { chatPerSecond: 100, chatBurst: 100 } });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  async function join(identity: string, role: 'teacher' | 'student') {
    const c = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    clients.push(c);
    const res = await c.request('join', {
      token: await t.token('chem', identity, role),
      protocolVersion: PROTOCOL_VERSION,
    });
    return { c, join: res.join! };
  }

  it('is stored, paged on join, and keeps private messages private', async () => {
    const teacher = await join('mr-li', 'teacher');
    const student = await join('mina', 'student');
    for (let i = 1; i <= 60; i++) await teacher.c.request('sendChat', { text: `line ${i}` });
    await student.c.request('sendChat', {
      text: 'psst, page 12?',
      toParticipantId: teacher.join.participantId!,
    });
    await expect(student.c.request('sendChat', { text: 'x'.repeat(2001) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      student.c.request('sendChat', { text: 'hi', toParticipantId: 'forged' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const late = await join('ren', 'student');
    const recent = late.join.recentChat!.map((m) => m.text);
    expect(recent).toHaveLength(50);
    expect(recent[0]).toBe('line 11');
    expect(recent.at(-1)).toBe('line 60');
    const older = await late.c.request('chatHistory', {
      beforeSeq: late.join.recentChat![0]!.seq!,
      limit: 50,
    });
    expect(older.chatHistory!.messages!.map((m) => m.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line ${i + 1}`),
    );

    // The teacher, rejoining, sees the private question; nobody else does.
    teacher.c.close();
    const back = await join('mr-li', 'teacher');
    expect(back.join.recentChat!.at(-1)!.text).toBe('psst, page 12?');
    expect(
      t.server.school!.chatHistory('chem', 'ren', 200).some((m) => m.text.startsWith('psst')),
    ).toBe(false);
  });
});
