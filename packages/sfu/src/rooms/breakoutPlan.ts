// Breakout rooms, the pure part: their room ids, their limits, and who goes where.
import { randomInt } from 'node:crypto';
import { CosmoError, ErrorCode, cosmo } from '@cosmo/core';

/**
 * What a breakout may be. No cap on the number of rooms but the students present: every room
 * is a classroom of its own, as cheap as any other.
 */
export const BREAKOUT_LIMITS = {
  /** A room's name, in characters. */
  maxNameLength: 50,
  /** The shortest breakout, in seconds. */
  minSeconds: 60,
  /** The longest breakout, extensions included, in seconds. */
  maxTotalSeconds: 4 * 3600,
  /** A moderator's message to every room, in characters. */
  maxMessageLength: 500,
} as const;

/** The limits a breakout service applies (tests shorten `minSeconds`). */
export type BreakoutLimits = { -readonly [K in keyof typeof BREAKOUT_LIMITS]: number };

/**
 * Breakout rooms are named `<main room>~b<n>`. Room ids on the roster (classes, lectures) are
 * letters, digits, dot, dash and underscore, so no class or lecture can take a breakout room's
 * name; `~` is also URL-safe, so the id goes anywhere a room id goes.
 */
const BREAKOUT_ROOM = /^(.+)~b(\d{1,9})$/;

/** The id of the `n`th breakout room (1-based, counted across a main room's breakouts). */
export function breakoutRoomId(mainRoom: string, n: number): string {
  return `${mainRoom}~b${n}`;
}

/** The main room a breakout room belongs to, or undefined when `room` is no breakout room. */
export function mainRoomOf(room: string): string | undefined {
  return BREAKOUT_ROOM.exec(room)?.[1];
}

/** A start request, checked: the rooms' names, who goes where, and how long. */
export interface BreakoutPlan {
  mode: cosmo.v1.BreakoutMode;
  names: string[];
  /** Identity → room index (0-based): those the server moves at the start (or when they come). */
  assignments: Map<string, number>;
  durationSeconds: number;
}

/** Refuses with INVALID_ARGUMENT, naming the reason for a client to say it in its language. */
export function invalid(
  message: string,
  reason: string,
  params?: Record<string, string>,
): CosmoError {
  return new CosmoError(ErrorCode.INVALID_ARGUMENT, message, {
    reason,
    ...(params && { params }),
  });
}

/**
 * Checks a start request against the limits and the students present in the main room, and
 * says who goes where: `random` shuffles the present students evenly over the rooms, `manual`
 * takes the moderator's `assignments` (anyone not assigned stays), `choose` assigns nobody
 * (students pick). `group` is refused: the roster has no groups (NO_ROSTER_GROUPS).
 */
export function planBreakout(
  req: cosmo.v1.IStartBreakoutRequest,
  students: readonly string[],
  limits: BreakoutLimits = BREAKOUT_LIMITS,
): BreakoutPlan {
  const mode = req.mode ?? cosmo.v1.BreakoutMode.BREAKOUT_MODE_UNSPECIFIED;
  const M = cosmo.v1.BreakoutMode;
  if (mode === M.BREAKOUT_MODE_GROUP)
    throw invalid(
      'the roster has no groups to make breakout rooms from; use random, manual or choose',
      'NO_ROSTER_GROUPS',
    );
  if (
    mode !== M.BREAKOUT_MODE_RANDOM &&
    mode !== M.BREAKOUT_MODE_MANUAL &&
    mode !== M.BREAKOUT_MODE_CHOOSE
  )
    throw invalid('mode is required: random, manual or choose', 'BAD_MODE');
  const assigned = Object.entries(req.assignments ?? {});
  const rooms = req.rooms ?? 0;
  // A manual breakout may name students who are not here yet: they are moved when they come.
  const people = new Set([
    ...students,
    ...(mode === M.BREAKOUT_MODE_MANUAL ? assigned.map(([id]) => id) : []),
  ]);
  const maxRooms = Math.max(1, people.size);
  if (rooms < 1 || rooms > maxRooms)
    throw invalid(
      `a breakout has 1 to ${maxRooms} rooms (one per student at most); ${rooms} asked`,
      'ROOM_COUNT',
      { rooms: String(rooms), max: String(maxRooms) },
    );
  const given = req.names ?? [];
  if (given.length > rooms)
    throw invalid(`${given.length} names for ${rooms} rooms`, 'TOO_MANY_NAMES');
  const names = Array.from({ length: rooms }, (_, i) => {
    const name = (given[i] ?? '').trim();
    return name || `Room ${i + 1}`;
  });
  const long = names.find((n) => n.length > limits.maxNameLength);
  if (long !== undefined)
    throw invalid(`a room name is at most ${limits.maxNameLength} characters`, 'NAME_TOO_LONG', {
      max: String(limits.maxNameLength),
    });
  const durationSeconds = req.durationSeconds ?? 0;
  if (durationSeconds < limits.minSeconds || durationSeconds > limits.maxTotalSeconds)
    throw invalid(
      `a breakout lasts ${limits.minSeconds} s to ${limits.maxTotalSeconds} s; ${durationSeconds} s asked`,
      'DURATION',
      { min: String(limits.minSeconds), max: String(limits.maxTotalSeconds) },
    );
  const assignments = new Map<string, number>();
  if (mode === M.BREAKOUT_MODE_RANDOM) {
    shuffle([...students]).forEach((identity, i) => assignments.set(identity, i % rooms));
  } else if (mode === M.BREAKOUT_MODE_MANUAL) {
    for (const [identity, index] of assigned) {
      if (!identity || index >= rooms)
        throw invalid(
          `${identity || 'an identity'} is assigned to room ${index + 1} of ${rooms}`,
          'BAD_ROOM_INDEX',
          { identity, index: String(index) },
        );
      assignments.set(identity, index);
    }
  }
  return { mode, names, assignments, durationSeconds };
}

/** A shuffled copy (Fisher–Yates with a uniform source). */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
