import { isIPv6 } from 'node:net';
import { TokenBucket } from './TokenBucket.js';

/** Limits per client address (config `addressLimits`). */
export interface AddressLimitOptions {
  /** Open WebSockets per address; 0 means no limit. */
  sockets: number;
  /** Unauthenticated HTTP requests per address: sustained per second, and burst. */
  httpPerSecond: number;
  httpBurst: number;
}

/** Addresses remembered at most; past it the least recently added bucket is forgotten. */
const MAX_BUCKETS = 100_000;

/**
 * The key an address is limited under. One IPv6 client usually owns a whole /64 and can pick any
 * address in it, so IPv6 addresses count per /64; IPv4 addresses count alone.
 */
export function addressKey(address: string): string {
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const groups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = address.includes('::') ? 8 - groups.length - tailGroups.length : 0;
  const all = [...groups, ...Array<string>(Math.max(0, zeros)).fill('0'), ...tailGroups];
  return `${all.slice(0, 4).join(':')}::/64`;
}

/**
 * What one address may hold open and spend: a count of open sockets, and a token bucket for
 * HTTP requests that carry no credential. State is kept only for addresses with open sockets or a
 * bucket not yet refilled, so the memory it takes follows current use, not history.
 */
export class AddressLimits {
  readonly #options: AddressLimitOptions;
  readonly #sockets = new Map<string, number>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #sweepEveryMs: number;
  #lastSweep = performance.now();

  constructor(options: AddressLimitOptions) {
    this.#options = options;
    // A bucket is full again at the latest burst / rate seconds after its last use.
    this.#sweepEveryMs = Math.max(1000, (options.httpBurst / options.httpPerSecond) * 1000);
  }

  /** Whether `address` already has as many open sockets as it may. */
  socketsFull(address: string): boolean {
    const max = this.#options.sockets;
    return max > 0 && (this.#sockets.get(addressKey(address)) ?? 0) >= max;
  }

  /** Counts a socket opening from `address`; false (not counted) when that would be one too many. */
  openSocket(address: string): boolean {
    if (this.socketsFull(address)) return false;
    const key = addressKey(address);
    this.#sockets.set(key, (this.#sockets.get(key) ?? 0) + 1);
    return true;
  }

  /** Counts a socket from `address` closing (one that `openSocket` counted). */
  closeSocket(address: string): void {
    const key = addressKey(address);
    const n = (this.#sockets.get(key) ?? 0) - 1;
    if (n > 0) this.#sockets.set(key, n);
    else this.#sockets.delete(key);
  }

  /** Spends one unauthenticated request of `address`; false when it has none left. */
  takeHttp(address: string, now = performance.now()): boolean {
    return this.#take(addressKey(address), now);
  }

  /**
   * Counts a wrong credential from `address` (a request answered 401) in an allowance of its own,
   * so that unauthenticated traffic never holds up valid credentials, but guessing does.
   */
  takeWrongCredential(address: string, now = performance.now()): boolean {
    return this.#take(`wrong:${addressKey(address)}`, now);
  }

  /** Whether `address` has spent its allowance of wrong credentials (without spending any). */
  wrongCredentialsSpent(address: string, now = performance.now()): boolean {
    return this.#buckets.get(`wrong:${addressKey(address)}`)?.empty(now) ?? false;
  }

  #take(key: string, now: number): boolean {
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.#sweep(now);
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS)
        this.#buckets.delete(this.#buckets.keys().next().value!);
      bucket = new TokenBucket(this.#options.httpPerSecond, this.#options.httpBurst, now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  /** Whether `address` has spent its unauthenticated allowance (without spending any). */
  httpSpent(address: string, now = performance.now()): boolean {
    return this.#buckets.get(addressKey(address))?.empty(now) ?? false;
  }

  /** How many addresses are remembered, for tests that check the state stays bounded. */
  sizeForTesting(now = performance.now()): { sockets: number; buckets: number } {
    this.#sweep(now);
    return { sockets: this.#sockets.size, buckets: this.#buckets.size };
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [key, bucket] of this.#buckets) if (bucket.full(now)) this.#buckets.delete(key);
  }
}
