import { afterEach, describe, expect, it } from 'vitest';
import { IdentityLimits } from './IdentityLimits.js';

describe('limits per person', () => {
  let limits: IdentityLimits | undefined;
  afterEach(() => limits?.close());
  const options = {
    requestsPerSecond: 10,
    requestBurst: 20,
    chatPerSecond: 1,
    chatBurst: 3,
    joinsPerMinute: 6,
    joinBurst: 2,
  };

  it('a person spends one allowance whatever socket they come from, and it refills', () => {
    limits = new IdentityLimits(options);
    const t0 = 1000;
    expect([1, 2, 3, 4].map(() => limits!.take('chen', 'chat', t0))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    // Another person is not affected, nor another kind.
    expect(limits.take('li', 'chat', t0)).toBe(true);
    expect(limits.take('chen', 'request', t0)).toBe(true);
    expect(limits.take('chen', 'chat', t0 + 1000)).toBe(true);
    expect(limits.take('chen', 'chat', t0 + 1000)).toBe(false);
    // Joins refill per minute: two at once, then one every ten seconds.
    expect(limits.take('chen', 'join', t0)).toBe(true);
    expect(limits.take('chen', 'join', t0)).toBe(true);
    expect(limits.take('chen', 'join', t0 + 5000)).toBe(false);
    expect(limits.take('chen', 'join', t0 + 10_000)).toBe(true);
  });

  it('forgets people whose buckets have refilled', () => {
    limits = new IdentityLimits(options);
    limits.take('chen', 'chat', 0);
    limits.take('li', 'join', 0);
    limits.sweep(5_000);
    expect(limits.sizeForTesting).toBe(1);
    limits.sweep(60_000);
    expect(limits.sizeForTesting).toBe(0);
  });
});
