import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/ding.mjs';

describe('the DING fan-out bench scenario (smoke)', () => {
  it('delivers a notice to every connected student and waits for the complete read summary', async () => {
    const result = await run({ sizes: [10, 30], log: () => undefined });
    expect(result.table.map((r: { students: number }) => r.students)).toEqual([10, 30]);
    for (const r of result.table) {
      expect(r.lastDeliveryMs).toBeGreaterThanOrEqual(r.deliveryP50Ms);
      expect(r.allReadMs).toBeGreaterThanOrEqual(r.deliveryP50Ms);
      expect(r.summaries).toBeGreaterThan(0);
      expect(r.lastPongMs).toBeGreaterThan(0);
    }
    expect(result.receiptErrors).toBe(0);
  }, 90_000);
});
