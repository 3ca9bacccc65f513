import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/join.mjs';

describe('the join storm bench scenario (smoke)', () => {
  it('joins students over both stacks against a real cosmo serve', async () => {
    const result = await run({ sizes: [4, 8], log: () => undefined });
    expect(
      result.table.map((r: { stack: string; students: number }) => `${r.stack}/${r.students}`),
    ).toEqual(['uWS + protobuf/4', 'uWS + protobuf/8', 'ws + JSON/4', 'ws + JSON/8']);
    for (const r of result.table) {
      expect(r.joinsPerSecond).toBeGreaterThan(0);
      expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
    }
  }, 90_000);
});
