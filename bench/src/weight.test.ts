import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/weight.mjs';

describe('the client weight bench scenario (smoke)', () => {
  it('bundles the element, the SDK and livekit-client, and compares their gzip sizes', async () => {
    const { table, rows } = await run({ log: () => undefined });
    for (const b of [table.element, table.sdk, table.livekit]) {
      expect(b.gzip).toBeGreaterThan(10_000);
      expect(b.gzip).toBeLessThan(b.raw);
    }
    // The element is the SDK plus its UI.
    expect(table.element.gzip).toBeGreaterThan(table.sdk.gzip);
    expect(rows).toHaveLength(3);
  }, 120_000);
});
