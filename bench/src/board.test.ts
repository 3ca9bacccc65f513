import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/board.mjs';

describe('the board fan-out bench scenario (smoke)', () => {
  it('delivers every stroke and every baseline chat line to every student', async () => {
    const r = await run({ students: 20, strokes: 4, points: 40, log: () => undefined });
    expect(r.board.p99).toBeGreaterThan(0);
    expect(r.chat.p99).toBeGreaterThan(0);
    expect(r.board.lastP50).toBeGreaterThanOrEqual(r.board.p50);
    // A stroke of 40 points is a few hundred bytes, and each student gets about that much.
    expect(r.updateBytes).toBeGreaterThan(200);
    expect(r.relayBytes).toBeGreaterThanOrEqual(r.updateBytes);
  }, 90_000);
});
