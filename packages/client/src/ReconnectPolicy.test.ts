import { describe, expect, it } from 'vitest';
import { ExponentialBackoff } from './ReconnectPolicy.js';

describe('ExponentialBackoff', () => {
  it('doubles up to the cap and gives up after the last attempt', () => {
    const policy = new ExponentialBackoff({
      initialMs: 100,
      maxMs: 1000,
      maxAttempts: 6,
      jitter: 0,
    });
    const delays = Array.from({ length: 7 }, (_, i) => policy.nextRetryDelayMs(i));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, null]);
  });

  it('spreads delays by the jitter', () => {
    const low = new ExponentialBackoff({ initialMs: 1000, jitter: 0.5 }, () => 0);
    const high = new ExponentialBackoff({ initialMs: 1000, jitter: 0.5 }, () => 0.999999);
    expect(low.nextRetryDelayMs(0)).toBe(500);
    expect(high.nextRetryDelayMs(0)).toBe(1500);
  });
});
