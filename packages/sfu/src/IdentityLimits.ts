import { TokenBucket } from './TokenBucket.js';

/** Limits per person (token identity), across every socket and classroom of theirs. */
export interface IdentityLimitOptions {
  /** Requests of a joined person, sustained per second and in a burst. */
  requestsPerSecond: number;
  requestBurst: number;
  /** Chat messages, sustained per second and in a burst. */
  chatPerSecond: number;
  chatBurst: number;
  /** Joins and resumes (each reconnect is one), sustained per minute and in a burst. */
  joinsPerMinute: number;
  joinBurst: number;
}

/** What a person spends: any request, a chat message, or a join or resume. */
export type IdentityLimitKind = 'request' | 'chat' | 'join';

/** How often buckets that have refilled are forgotten. */
const SWEEP_MS = 60_000;

/**
 * Token buckets per person, so that reconnecting in a loop does not reset them: a per-socket
 * limit is fresh on every new socket. People whose buckets have refilled are forgotten, so the
 * map holds only those active in the last minute or so.
 */
export class IdentityLimits {
  readonly #options: IdentityLimitOptions;
  readonly #buckets = new Map<string, Record<IdentityLimitKind, TokenBucket>>();
  readonly #sweeper: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(options: IdentityLimitOptions) {
    this.#options = options;
    this.#sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.#sweeper.unref?.();
  }

  /** Spends one `kind` of `identity`'s allowance; false when it is used up. */
  take(identity: string, kind: IdentityLimitKind, now = performance.now()): boolean {
    if (this.#closed) return false;
    let buckets = this.#buckets.get(identity);
    if (!buckets) {
      const o = this.#options;
      buckets = {
        request: new TokenBucket(o.requestsPerSecond, o.requestBurst, now),
        chat: new TokenBucket(o.chatPerSecond, o.chatBurst, now),
        join: new TokenBucket(o.joinsPerMinute / 60, o.joinBurst, now),
      };
      this.#buckets.set(identity, buckets);
    }
    return buckets[kind].take(now);
  }

  /** Forgets the people whose every bucket is full again. */
  sweep(now = performance.now()): void {
    for (const [identity, buckets] of this.#buckets) {
      if (Object.values(buckets).every((b) => b.full(now))) this.#buckets.delete(identity);
    }
  }

  /** How many people are remembered (for tests and metrics). */
  get sizeForTesting(): number {
    return this.#buckets.size;
  }

  /** Stops the sweeper and forgets everyone. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#buckets.clear();
  }
}
