import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/captions.mjs';

const engines = ['pocketsphinx_continuous', 'apertium', 'ffmpeg', 'espeak-ng', 'sox'];

describe.runIf(engines.every((e) => existsSync(`/usr/bin/${e}`)))(
  'the captions bench scenario (smoke)',
  () => {
    it('captions every sentence and measures latency against its baselines', async () => {
      const result = await run({
        sentences: 2,
        gapMs: 900,
        evaluation: false,
        log: () => undefined,
      });
      expect(result.table.captions).toBe(2);
      expect(result.table.latencyMs).toHaveLength(2);
      for (const ms of result.table.latencyMs) expect(ms).toBeGreaterThan(0);
      expect(result.table.translationAddedMs.length).toBe(2);
      expect(result.rows.map((r: { label: string }) => r.label)).toContain(
        'baseline: decode alone, p50',
      );
    }, 90_000);
  },
);
