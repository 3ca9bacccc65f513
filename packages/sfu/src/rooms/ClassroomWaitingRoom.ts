import type { cosmo } from '@cosmo/core';
import { CosmoError, ErrorCode, InvalidStateError, TypedEmitter, isModerator } from '@cosmo/core';
import type { RosterRepository, WaitingRoomRepository, WaitingRoomSettings } from '@cosmo/school';
import { CloseCode, type Connection } from '../Connection.js';
import type { EventBody, Participant } from '../Participant.js';
import type { Action } from '../permissions.js';

/** A classroom takes at most this many waiting sockets; the next is refused ROOM_FULL. */
export const MAX_WAITING = 500;

/** Moderators hear of the waiting list at most this often (a class arriving at once is one event). */
export const WAITING_ROOM_EVENT_MS = 200;

/** What the waiting room needs from its classroom. */
export interface WaitingRoomHost {
  readonly room: string;
  readonly classId: string;
  readonly closed: boolean;
  readonly locked: boolean;
  readonly participants: ReadonlyMap<string, Participant>;
  authorize(p: Participant, action: Action): void;
  /** Whether the classroom let this person in before (they joined, or a moderator admitted them). */
  hasAdmitted(identity: string): boolean;
  /** Lets a person in ahead of their join (a lock does not keep them out either). */
  letIn(identity: string): void;
  deliver(
    body: EventBody,
    critical?: boolean,
    except?: Participant,
    only?: ReadonlySet<string>,
  ): void;
}

/** Where the waiting room keeps its settings and finds people on the roster. */
export interface WaitingRoomStore {
  settings: WaitingRoomRepository;
  /** The school's roster, when the school features are on. */
  roster: Pick<RosterRepository, 'isMember' | 'person'> | undefined;
}

/** Waiting-room events (internal, to its classroom). */
export type WaitingRoomEvents = {
  /** The last waiting socket left the list (the classroom may now be deserted). */
  emptied: [];
};

/** One person waiting, on one socket. */
interface Waiter {
  conn: Connection;
  identity: string;
  name: string;
  onRoster: boolean;
  since: number;
  /** Ends the socket's exemption from the join timeout. */
  done: () => void;
}

/**
 * A classroom's waiting room: when a moderator turns it on, a student or observer the classroom
 * has not let in yet (and, with `admitRoster`, who is not on the class's roster) waits on an open
 * socket that is not joined, until a moderator admits them (the client joins again) or refuses
 * them (the socket closes with REFUSED). Moderators always go straight in, and see the list.
 * Nobody is let in because a moderator arrived; turning the waiting room off lets everyone in.
 * The settings are kept per room in the store, so a restart does not silently open it.
 */
export class ClassroomWaitingRoom extends TypedEmitter<WaitingRoomEvents> {
  readonly #host: WaitingRoomHost;
  readonly #store: WaitingRoomStore;
  #settings: WaitingRoomSettings;
  /** By identity: one socket per person (a second tab takes the place of the first). */
  readonly #waiting = new Map<string, Waiter>();
  #notifyTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(host: WaitingRoomHost, store: WaitingRoomStore) {
    super();
    this.#host = host;
    this.#store = store;
    const kept = store.settings.settings(host.room);
    this.#settings = { enabled: kept?.enabled ?? false, admitRoster: kept?.admitRoster ?? false };
  }

  /** Whether the waiting room is on, and whether the roster goes straight in. */
  get settings(): Readonly<WaitingRoomSettings> {
    return this.#settings;
  }

  /** How many people wait. */
  get size(): number {
    return this.#waiting.size;
  }

  /** Whether a person joining as `role` must wait to be let in. */
  mustWait(identity: string, role: string): boolean {
    if (!this.#settings.enabled || isModerator(role)) return false;
    // A locked room refuses newcomers outright (ROOM_LOCKED) rather than keep them waiting.
    if (this.#host.locked || this.#host.hasAdmitted(identity)) return false;
    return !(this.#settings.admitRoster && this.#onRoster(identity));
  }

  /**
   * Keeps `conn` waiting. The same person's earlier waiting socket closes (REPLACED) and this
   * one takes its place in the list. Throws ROOM_FULL when MAX_WAITING people wait already.
   */
  hold(conn: Connection, identity: string, name: string): void {
    if (this.#closed || this.#host.closed) throw new InvalidStateError('the class has ended');
    const previous = this.#waiting.get(identity);
    if (previous?.conn === conn) return;
    if (!previous && this.#waiting.size >= MAX_WAITING) {
      throw new CosmoError(ErrorCode.ROOM_FULL, 'the waiting room is full');
    }
    if (previous) {
      previous.done();
      previous.conn.close(CloseCode.REPLACED, 'waiting on another connection');
    }
    this.#waiting.set(identity, {
      conn,
      identity,
      name: this.#store.roster?.person(identity)?.name ?? name,
      onRoster: this.#onRoster(identity),
      since: previous?.since ?? Date.now(),
      // A waiting socket is a join under way: the join timeout does not close it.
      done: conn.joining(),
    });
    this.#changed();
  }

  /** Whether `conn` waits here. */
  holds(conn: Connection): boolean {
    for (const w of this.#waiting.values()) if (w.conn === conn) return true;
    return false;
  }

  /** `conn` stops waiting (it closed, left, or joins elsewhere). No-op when it does not wait. */
  release(conn: Connection): void {
    for (const w of this.#waiting.values()) {
      if (w.conn !== conn) continue;
      this.#remove(w);
      return;
    }
  }

  /**
   * A moderator turns the waiting room on or off, and chooses whether the roster goes straight
   * in; saved before it applies. Turning it off lets everyone waiting in; turning `admitRoster`
   * on lets in those waiting who are on the roster.
   */
  configure(by: Participant, settings: WaitingRoomSettings): void {
    this.#host.authorize(by, 'manageWaitingRoom');
    const next = { enabled: settings.enabled, admitRoster: settings.admitRoster };
    this.#store.settings.save(this.#host.room, next, Date.now());
    this.#settings = next;
    for (const w of [...this.#waiting.values()]) {
      if (!next.enabled || (next.admitRoster && w.onRoster)) this.#letIn(w);
    }
    this.#changed();
  }

  /** A moderator lets in some of those waiting, or all of them. Who no longer waits is skipped. */
  admit(by: Participant, identities: readonly string[], all: boolean): void {
    this.#host.authorize(by, 'manageWaitingRoom');
    if (!all && identities.length === 0) {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'name whom to admit, or admit all');
    }
    const chosen = all ? [...this.#waiting.values()] : identities.map((i) => this.#waiting.get(i));
    for (const w of chosen) if (w) this.#letIn(w);
  }

  /** A moderator refuses a person waiting: their socket closes with REFUSED. */
  refuse(by: Participant, identity: string): void {
    this.#host.authorize(by, 'manageWaitingRoom');
    if (!identity) throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'identity is required');
    const w = this.#waiting.get(identity);
    if (!w) return;
    this.#remove(w);
    w.conn.close(CloseCode.REFUSED, 'a moderator did not let you in');
  }

  /** The waiting room as moderators see it, the longest waiting first. */
  view(): cosmo.v1.WaitingRoom.$Properties {
    return {
      enabled: this.#settings.enabled,
      admitRoster: this.#settings.admitRoster,
      waiting: [...this.#waiting.values()]
        .sort((a, b) => a.since - b.since)
        .map((w) => ({ identity: w.identity, name: w.name, onRoster: w.onRoster, since: w.since })),
    };
  }

  /**
   * Closes every waiting socket with `code` (CLASS_ENDED when the class ends, GOING_AWAY when the
   * server stops) and stops telling moderators. No-op when already closed.
   */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#notifyTimer);
    this.#notifyTimer = undefined;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const w of waiting) {
      w.done();
      w.conn.close(code, reason);
    }
    this.removeAllListeners();
  }

  #onRoster(identity: string): boolean {
    const { classId } = this.#host;
    return Boolean(classId && this.#store.roster?.isMember(classId, identity));
  }

  /** Lets one waiting person in: remembered (a reconnect does not wait again), told to join. */
  #letIn(w: Waiter): void {
    this.#host.letIn(w.identity);
    this.#remove(w);
    // The full join timeout from now: the client joins again on this socket.
    w.conn.restartJoinTimeout();
    w.conn.sendFrame({ admitted: {} });
  }

  #remove(w: Waiter): void {
    if (this.#waiting.get(w.identity) !== w) return;
    this.#waiting.delete(w.identity);
    w.done();
    this.#changed();
    if (this.#waiting.size === 0) this.safeEmit('emptied');
  }

  /** Tells the moderators the new list, once for the changes of a short while. */
  #changed(): void {
    if (this.#closed || this.#notifyTimer) return;
    this.#notifyTimer = setTimeout(() => {
      this.#notifyTimer = undefined;
      if (this.#closed || this.#host.closed) return;
      const moderators = new Set<string>();
      for (const p of this.#host.participants.values())
        if (isModerator(p.role)) moderators.add(p.id);
      if (moderators.size > 0) {
        this.#host.deliver({ waitingRoom: this.view() }, true, undefined, moderators);
      }
    }, WAITING_ROOM_EVENT_MS);
  }
}
