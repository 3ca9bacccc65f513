import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/memory.mjs';

describe('the memory bench scenario (smoke)', () => {
  it('weighs a real cosmo serve before and after idle students join, over both stacks', async () => {
    const result = await run({ students: 20, settleMs: 200, log: () => undefined });
    expect(result.table.map((r: { stack: string }) => r.stack)).toEqual([
      'uWS + protobuf',
      'ws + JSON',
    ]);
    for (const r of result.table) {
      expect(r.students).toBe(20);
      expect(r.baseBytes).toBeGreaterThan(10 * 2 ** 20);
      expect(Number.isFinite(r.bytesPerStudent)).toBe(true);
    }
  }, 90_000);
});
