import { describe, expect, it } from 'vitest';
import { AddressLimits, addressKey } from './AddressLimits.js';

describe('limits per client address', () => {
  it('lets an address open its share of sockets and no more, and frees a place when one closes', () => {
    const limits = new AddressLimits({ sockets: 2, httpPerSecond: 1, httpBurst: 1 });
    expect([limits.openSocket('10.0.0.1'), limits.openSocket('10.0.0.1')]).toEqual([true, true]);
    expect(limits.socketsFull('10.0.0.1')).toBe(true);
    expect(limits.openSocket('10.0.0.1')).toBe(false);
    expect(limits.openSocket('10.0.0.2')).toBe(true);
    limits.closeSocket('10.0.0.1');
    expect(limits.openSocket('10.0.0.1')).toBe(true);
  });

  it('sets no socket limit with sockets: 0', () => {
    const limits = new AddressLimits({ sockets: 0, httpPerSecond: 1, httpBurst: 1 });
    for (let i = 0; i < 5000; i++) expect(limits.openSocket('127.0.0.1')).toBe(true);
  });

  it('gives each address a burst of unauthenticated requests, refilled at httpPerSecond', () => {
    const limits = new AddressLimits({ sockets: 0, httpPerSecond: 10, httpBurst: 3 });
    const t0 = 1_000_000;
    const takes = (address: string, now: number) =>
      Array.from({ length: 4 }, () => limits.takeHttp(address, now));
    expect(takes('10.0.0.1', t0)).toEqual([true, true, true, false]);
    expect(takes('10.0.0.2', t0)).toEqual([true, true, true, false]);
    expect(takes('10.0.0.1', t0 + 200)).toEqual([true, true, false, false]);
  });

  it('forgets addresses once their buckets are full again and their sockets closed', () => {
    const limits = new AddressLimits({ sockets: 10, httpPerSecond: 100, httpBurst: 100 });
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) limits.takeHttp(`10.0.${i >> 8}.${i & 255}`, t0);
    limits.openSocket('10.9.9.9');
    expect(limits.sizeForTesting(t0)).toEqual({ sockets: 1, buckets: 1000 });
    limits.closeSocket('10.9.9.9');
    expect(limits.sizeForTesting(t0 + 1000)).toEqual({ sockets: 0, buckets: 0 });
  });

  it('counts IPv6 addresses per /64, the block one client can pick from', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});
