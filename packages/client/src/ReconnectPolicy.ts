/** Decides how long to wait before each reconnection attempt, and when to give up. */
export interface ReconnectPolicy {
  /** Delay before attempt `attempt` (0-based), or null to give up. */
  nextRetryDelayMs(attempt: number): number | null;
}

/** Options of the default policy. */
export interface BackoffOptions {
  /** First delay. */
  initialMs: number;
  /** Largest delay. */
  maxMs: number;
  /** Give up after this many attempts. */
  maxAttempts: number;
  /** Random spread, 0..1 of the delay, so 300 students do not reconnect in lockstep. */
  jitter: number;
}

/** The default: 250 ms doubling to 8 s, ±30% jitter, for about two minutes. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 250,
  maxMs: 8000,
  maxAttempts: 20,
  jitter: 0.3,
};

/** Exponential backoff with jitter. */
export class ExponentialBackoff implements ReconnectPolicy {
  readonly #options: BackoffOptions;
  readonly #random: () => number;

  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    this.#options = { ...DEFAULT_BACKOFF, ...options };
    this.#random = random;
  }

  nextRetryDelayMs(attempt: number): number | null {
    const { initialMs, maxMs, maxAttempts, jitter } = this.#options;
    if (attempt >= maxAttempts) return null;
    const base = Math.min(maxMs, initialMs * 2 ** attempt);
    return Math.round(base * (1 + jitter * (2 * this.#random() - 1)));
  }
}
