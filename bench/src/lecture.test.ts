import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/lecture.mjs';

interface Step {
  students: number;
  silentStreams: number;
  packetsPerSecond: number;
  consumersPerWorker: number[];
  routers: number;
}

describe('the lecture bench scenario (smoke)', () => {
  it('carries plain-RTP students through one classroom on one worker, then spread over two', async () => {
    const result = await run({
      steps: [4, 8],
      workers: 2,
      budget: 8,
      settleMs: 1500,
      windowMs: 1500,
      log: () => undefined,
    });
    for (const config of [result.oneWorker, result.allWorkers]) {
      expect(config.table.map((r: Step) => r.students)).toEqual([0, 4, 8]);
      const eight: Step = config.table.at(-1);
      // 2 streams per student, the video at ~100 packets/s and the audio at 50.
      expect(eight.packetsPerSecond).toBeGreaterThan(8 * 100);
      expect(eight.silentStreams).toBe(0);
    }
    const spread: Step = result.allWorkers.table.at(-1);
    // With 8 consumers per worker, 8 students (16 consumers) sit on both workers.
    expect(spread.routers).toBe(2);
    expect(Math.min(...spread.consumersPerWorker)).toBeGreaterThan(0);
    expect(result.comparison.map((c: { students: number }) => c.students)).toEqual([4, 8]);
  }, 60_000);
});
