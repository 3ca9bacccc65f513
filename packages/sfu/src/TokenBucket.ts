/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(perSecond: number, burst: number, now = performance.now()) {
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Whether the bucket has refilled to its burst (nothing of its past use is remembered). */
  full(now = performance.now()): boolean {
    return this.#tokens + (now - this.#last) * this.#perMs >= this.#burst;
  }

  /** Whether the bucket has no whole token now (`take` would refuse), without taking one. */
  empty(now = performance.now()): boolean {
    return Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs) < 1;
  }

  /** Takes one token; false when the bucket is empty. */
  take(now = performance.now()): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
