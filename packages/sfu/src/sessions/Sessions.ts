import { InvalidStateError, NotFoundError, type ServerFrameInit } from '@cosmo/core';
import { CloseCode, type Connection } from '../Connection.js';
import type { Participant } from '../Participant.js';

/** A session taken up again on a new socket, with the events its client missed. */
export interface ResumedSession {
  participant: Participant;
  /** Numbered events after the client's last one, in order. */
  missed: ServerFrameInit[];
}

/**
 * The signalling sessions of joined participants: a socket bound to each, found again by
 * session id when a client resumes after a drop (within the grace period) and by identity when
 * the school has something for a person. A participant leaves this registry when it closes.
 */
export class Sessions {
  readonly #graceMs: number;
  readonly #bySession = new Map<string, Participant>();
  readonly #byIdentity = new Map<string, Set<Participant>>();
  readonly #graceTimers = new Map<Participant, ReturnType<typeof setTimeout>>();
  #closed = false;

  /** `graceMs`: how long a participant whose socket dropped waits to be resumed. */
  constructor(graceMs: number) {
    this.#graceMs = graceMs;
  }

  /** Binds a participant that just joined to its socket, and keeps it until it closes. */
  add(participant: Participant, conn: Connection): void {
    this.#bySession.set(participant.sessionId, participant);
    const mine = this.#byIdentity.get(participant.identity) ?? new Set<Participant>();
    mine.add(participant);
    this.#byIdentity.set(participant.identity, mine);
    participant.once('closed', () => {
      mine.delete(participant);
      if (mine.size === 0 && this.#byIdentity.get(participant.identity) === mine) {
        this.#byIdentity.delete(participant.identity);
      }
      this.#bySession.delete(participant.sessionId);
      this.#stopGrace(participant);
    });
    conn.participant = participant;
    participant.attach(conn);
  }

  /** The live participants of a person (one per classroom they are in). */
  participantsOf(identity: string): Participant[] {
    // Indexed: a school-wide notice looks up thousands of people.
    return [...(this.#byIdentity.get(identity) ?? [])];
  }

  /** The people with a participant here (for the cluster's presence). */
  identities(): Iterable<string> {
    return this.#byIdentity.keys();
  }

  /** Whether a person has a participant with a live socket. */
  isConnected(identity: string): boolean {
    return this.participantsOf(identity).some((p) => p.connection);
  }

  /**
   * Takes up `sessionId` again on `conn`, for the person and room of the client's token: the
   * session's old socket (if still open) is closed as replaced. NOT_FOUND when the session is
   * gone or someone else's; INVALID_STATE when the events the client missed are no longer kept.
   */
  resume(
    conn: Connection,
    who: { identity: string; room: string },
    sessionId: string,
    lastSeq: number,
  ): ResumedSession {
    const p = sessionId ? this.#bySession.get(sessionId) : undefined;
    if (!p || p.closed || p.identity !== who.identity || p.room !== who.room) {
      throw new NotFoundError('the session has expired; join again');
    }
    const missed = p.eventsAfter(lastSeq);
    if (!missed) throw new InvalidStateError('too many events were missed; join again');
    this.#stopGrace(p);
    const previous = p.connection;
    if (previous && previous !== conn) {
      previous.participant = null;
      previous.close(CloseCode.REPLACED, 'resumed on another connection');
    }
    conn.participant = p;
    p.attach(conn);
    return { participant: p, missed };
  }

  /**
   * A socket closed. Its participant waits the grace period for its client to resume, then
   * leaves; with no grace it leaves at once.
   */
  disconnected(conn: Connection): void {
    const p = conn.participant;
    if (!p || p.closed || p.connection !== conn) return;
    p.detach(conn);
    if (this.#closed) return;
    if (this.#graceMs === 0) {
      p.close('disconnected');
      return;
    }
    this.#graceTimers.set(
      p,
      setTimeout(() => {
        this.#graceTimers.delete(p);
        if (!p.connection) p.close('disconnected');
      }, this.#graceMs),
    );
  }

  /** Stops every grace timer (the server is closing). No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
  }

  #stopGrace(p: Participant): void {
    const timer = this.#graceTimers.get(p);
    if (timer) clearTimeout(timer);
    this.#graceTimers.delete(p);
  }
}
