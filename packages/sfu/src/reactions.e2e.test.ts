import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type Role } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { REACTION_WINDOW_MS } from './rooms/ClassroomReactions.js';

describe('reactions', () => {
  let t: EphemeralServer;
  const clients: SignallingClient[] = [];
  beforeAll(async () => {
    t = await startEphemeralServer({ captions: false, school: false });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  async function join(identity: string, role: Role) {
    const c = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    clients.push(c);
    await c.request('join', {
      token: await t.token('quiz', identity, role),
      protocolVersion: PROTOCOL_VERSION,
    });
    return c;
  }

  it('a class reacting at once is a few ephemeral events of counts', async () => {
    const teacher = await join('ms-ono', 'teacher');
    const events: { counts: Record<string, number>; seq: number }[] = [];
    teacher.on('event', (f) => {
      if (f.body === 'reactions') events.push({ counts: f.reactions!.counts!, seq: f.seq ?? 0 });
    });
    const students = await Promise.all(
      Array.from({ length: 40 }, (_, i) => join(`student-${i}`, 'student')),
    );
    // Every student reacts three times at once: 120 reactions.
    await Promise.all(
      students.flatMap((s, i) => [
        s.request('react', { emoji: '👍' }),
        s.request('react', { emoji: i % 2 ? '👏' : '😂' }),
        // The same emoji with a skin tone and a presentation selector counts as itself.
        s.request('react', { emoji: i % 2 ? '🙋🏽' : '❓\uFE0F' }),
      ]),
    );
    await waitFor('every reaction to be told', () => total(events) === 120);
    expect(events.length).toBeLessThanOrEqual(3);
    // Ephemeral: not numbered, so never replayed.
    expect(events.every((e) => e.seq === 0)).toBe(true);
    const sum: Record<string, number> = {};
    for (const e of events)
      for (const [emoji, n] of Object.entries(e.counts)) sum[emoji] = (sum[emoji] ?? 0) + n;
    expect(sum).toEqual({ '👍': 40, '👏': 20, '😂': 20, '🙋': 20, '❓': 20 });
    // Nothing more comes once the class is quiet.
    await new Promise((r) => setTimeout(r, REACTION_WINDOW_MS * 2));
    expect(total(events)).toBe(120);
  });

  it('are rate-limited per person, refused when not one of the set, and never from an observer', async () => {
    const student = await join('eager', 'student');
    for (let i = 0; i < 3; i++) await student.request('react', { emoji: '👏' });
    await expect(student.request('react', { emoji: '👏' })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    // A new socket is the same person: no fresh allowance.
    const again = await join('eager', 'student');
    await expect(again.request('react', { emoji: '👍' })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    await new Promise((r) => setTimeout(r, 800));
    await again.request('react', { emoji: '👍' });

    const other = await join('curious', 'student');
    for (const emoji of ['🍕', '', '👍👍', 'thumbs up', '🔥']) {
      await expect(other.request('react', { emoji }), emoji).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    }
    const observer = await join('inspector', 'observer');
    await expect(observer.request('react', { emoji: '👍' })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });
});

function total(events: { counts: Record<string, number> }[]): number {
  return events.reduce((n, e) => n + Object.values(e.counts).reduce((a, b) => a + b, 0), 0);
}
