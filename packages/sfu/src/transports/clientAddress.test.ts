import { describe, expect, it } from 'vitest';
import { canonicalAddress, clientAddress } from './clientAddress.js';

describe('the client address', () => {
  it('is spelled the same whichever transport reports it', () => {
    // uWS spells IPv4-mapped and IPv6 addresses in full; node in short.
    expect(canonicalAddress('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe('127.0.0.1');
    expect(canonicalAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalAddress('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalAddress('203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the last X-Forwarded-For entry behind a trusted proxy, and the peer otherwise', () => {
    const xff = '198.51.100.1, 203.0.113.7';
    expect(clientAddress('10.0.0.2', xff, true)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', xff, false)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', undefined, true)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '203.0.113.7, not-an-address', true)).toBe('10.0.0.2');
  });
});
