import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/ding.mjs';

describe('the DING fan-out bench scenario (smoke)', () => {
  it('delivers a notice to every connected student and waits for the complete read summary', async () => {
    const result = await run({
      sizes: [10, 30],
      channels: { live: 5, push: 8, email: 4, emailAfterSeconds: 1 },
      log: () => undefined,
    });
    expect(result.table.map((r: { students: number }) => r.students)).toEqual([10, 30]);
    for (const r of result.table) {
      expect(r.lastDeliveryMs).toBeGreaterThanOrEqual(r.deliveryP50Ms);
      expect(r.allReadMs).toBeGreaterThanOrEqual(r.deliveryP50Ms);
      expect(r.summaries).toBeGreaterThan(0);
      expect(r.lastPongMs).toBeGreaterThan(0);
    }
    expect(result.receiptErrors).toBe(0);
    // The channel mix: each recipient reached on their channel, email after its delay.
    const channels = result.channels as {
      table: { channel: string; recipients: number; reached: number; lastMs: number }[];
      unreached: number;
      everyoneMs: number;
    };
    expect(channels.unreached).toBe(0);
    for (const r of channels.table) expect(r.reached).toBe(r.recipients);
    expect(channels.table.find((r) => r.channel === 'email')!.lastMs).toBeGreaterThanOrEqual(1000);
    expect(channels.everyoneMs).toBeGreaterThanOrEqual(1000);
  }, 90_000);
});
