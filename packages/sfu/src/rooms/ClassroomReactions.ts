import { CosmoError, ErrorCode } from '@cosmo/core';
import type { EventBody, Participant } from '../Participant.js';
import type { Action } from '../permissions.js';
import { TokenBucket } from '../TokenBucket.js';

/** The reactions a participant may send; anything else is refused. */
export const REACTIONS: readonly string[] = ['👍', '👏', '😂', '❓', '🙋'];

/** The classroom tells everyone what it reacted at most this often. */
export const REACTION_WINDOW_MS = 500;

/** One person's reactions: this many at once… */
const REACTION_BURST = 3;
/** …and this many a second after that (3 per 2 s). */
const REACTIONS_PER_SECOND = 1.5;

/** What the reactions need from their classroom. */
export interface ReactionsHost {
  readonly closed: boolean;
  authorize(p: Participant, action: Action): void;
  broadcast(body: EventBody, except?: Participant, critical?: boolean): void;
}

/**
 * A classroom's reactions: never stored, each person's rate-limited, and told to everyone as
 * one ephemeral `reactions` event per window with the counts of the window, so that a class of
 * 300 reacting at once is a handful of events, not 300.
 */
export class ClassroomReactions {
  readonly #host: ReactionsHost;
  readonly #counts = new Map<string, number>();
  /** Per identity, so a reconnect does not refill it. */
  readonly #buckets = new Map<string, TokenBucket>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(host: ReactionsHost) {
    this.#host = host;
  }

  /**
   * Counts `p`'s reaction in this window. Refuses with PERMISSION_DENIED (observers),
   * INVALID_ARGUMENT (not one of REACTIONS) or RATE_LIMITED (over 3 in 2 s).
   */
  react(p: Participant, emoji: string): void {
    this.#host.authorize(p, 'react');
    const reaction = plain(emoji);
    if (!REACTIONS.includes(reaction)) {
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `a reaction is one of ${REACTIONS.join(' ')}`,
      );
    }
    if (this.#closed || this.#host.closed) return;
    let bucket = this.#buckets.get(p.identity);
    if (!bucket) {
      bucket = new TokenBucket(REACTIONS_PER_SECOND, REACTION_BURST);
      this.#buckets.set(p.identity, bucket);
    }
    if (!bucket.take()) {
      throw new CosmoError(ErrorCode.RATE_LIMITED, 'too many reactions; wait a moment');
    }
    this.#counts.set(reaction, (this.#counts.get(reaction) ?? 0) + 1);
    this.#timer ??= setTimeout(() => this.#flush(), REACTION_WINDOW_MS);
  }

  /** Stops the window's timer; what it counted is not told. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#counts.clear();
    this.#buckets.clear();
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#closed || this.#host.closed) return;
    const counts = Object.fromEntries(this.#counts);
    this.#counts.clear();
    // People who stopped reacting are forgotten once their allowance is whole again.
    for (const [identity, bucket] of this.#buckets)
      if (bucket.full()) this.#buckets.delete(identity);
    this.#host.broadcast({ reactions: { counts } }, undefined, false);
  }
}

/** An emoji without its presentation selector and skin tone: 👍🏽 counts as 👍. */
function plain(emoji: string): string {
  let out = '';
  for (const ch of emoji) {
    const code = ch.codePointAt(0)!;
    if (code !== 0xfe0f && (code < 0x1f3fb || code > 0x1f3ff)) out += ch;
  }
  return out;
}
