import type { cosmo } from '@cosmo/core';
import { CosmoError, ErrorCode, NotFoundError, TypedEmitter } from '@cosmo/core';
import { breakoutRoomId, type BreakoutPlan } from './breakoutPlan.js';

/** One breakout room: a classroom of its own, and who belongs in it. */
export interface BreakoutRoomState {
  id: string;
  name: string;
  /** Who is assigned to it (or, in choose mode, picked it). */
  identities: Set<string>;
}

/** Breakout events (internal, to its service). */
export type BreakoutEvents = {
  /** Its time is up. */
  due: [];
  closed: [];
};

/**
 * One running breakout of a main room: its rooms, who belongs where, and when it ends (a timer
 * that a moderator may push back). It outlives the main room's classroom, which may close while
 * everyone is in the breakout rooms. Moving people is its service's job.
 */
export class Breakout extends TypedEmitter<BreakoutEvents> {
  readonly mainRoom: string;
  readonly mode: cosmo.v1.BreakoutMode;
  /** Unix ms, to the second: join tokens signed before it are not this breakout's. */
  readonly startedAt: number;
  readonly rooms: readonly BreakoutRoomState[];
  #endsAt: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /** `firstRoom`: the number of its first room (a main room's breakouts never reuse a room id). */
  constructor(mainRoom: string, plan: BreakoutPlan, firstRoom: number, now = Date.now()) {
    super();
    this.mainRoom = mainRoom;
    this.mode = plan.mode;
    this.startedAt = Math.floor(now / 1000) * 1000;
    this.rooms = plan.names.map((name, i) => ({
      id: breakoutRoomId(mainRoom, firstRoom + i),
      name,
      identities: new Set<string>(),
    }));
    for (const [identity, index] of plan.assignments) this.rooms[index]!.identities.add(identity);
    this.#endsAt = now + plan.durationSeconds * 1000;
    this.#arm();
  }

  /** Unix ms: everyone returns to the main room then. */
  get endsAt(): number {
    return this.#endsAt;
  }

  /** Whether it is over. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Pushes the end back by `seconds`; INVALID_ARGUMENT past `maxTotalSeconds` in all. */
  extend(seconds: number, maxTotalSeconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1)
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'extend by at least one second', {
        reason: 'DURATION',
      });
    const endsAt = this.#endsAt + seconds * 1000;
    if (endsAt - this.startedAt > maxTotalSeconds * 1000)
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `a breakout lasts at most ${maxTotalSeconds} s in all, extensions included`,
        { reason: 'TOO_LONG', params: { max: String(maxTotalSeconds) } },
      );
    this.#endsAt = endsAt;
    this.#arm();
  }

  /** The room with this id, or NOT_FOUND. */
  room(id: string | null | undefined): BreakoutRoomState {
    const room = this.rooms.find((r) => r.id === id);
    if (!room) throw new NotFoundError(`no breakout room ${id ?? ''} in this breakout`);
    return room;
  }

  /** Whether `room` is one of its rooms. */
  has(room: string): boolean {
    return this.rooms.some((r) => r.id === room);
  }

  /** The room `identity` belongs in, if any. */
  roomOf(identity: string): BreakoutRoomState | undefined {
    return this.rooms.find((r) => r.identities.has(identity));
  }

  /** `identity` picks `room` (choose mode), leaving the one it picked before. */
  choose(identity: string, room: BreakoutRoomState): void {
    for (const r of this.rooms) r.identities.delete(identity);
    room.identities.add(identity);
  }

  /** The breakout as a moderator sees it (who is where), or as a student does (rooms and time). */
  view(moderator: boolean): cosmo.v1.Breakout.$Properties {
    return {
      rooms: this.rooms.map((r) => ({
        id: r.id,
        name: r.name,
        identities: moderator ? [...r.identities] : [],
      })),
      mode: this.mode,
      endsAt: this.#endsAt,
      mainRoom: this.mainRoom,
    };
  }

  /** Stops the timer. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.safeEmit('closed');
    this.removeAllListeners();
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.safeEmit('due'), Math.max(0, this.#endsAt - Date.now()));
  }
}
