// Breakout rooms: their plain types, their wire forms, and the state a client keeps of them.
import { cosmo } from '@cosmo/core';

/** How students are put into the rooms. */
export type BreakoutMode = 'random' | 'manual' | 'choose' | 'group';

/** One breakout room; `identities` are who is in it (moderators only; empty for students). */
export interface BreakoutRoomInfo {
  id: string;
  name: string;
  identities: string[];
}

/** A running breakout, as this client sees it. */
export interface BreakoutInfo {
  rooms: BreakoutRoomInfo[];
  mode: BreakoutMode;
  /** Unix ms: everyone goes back to the main room then. */
  endsAt: number;
  /** The main room the breakout belongs to. */
  mainRoom: string;
}

/** What a moderator starts a breakout with. */
export interface StartBreakoutOptions {
  /** How many rooms (at least 1). */
  rooms: number;
  mode: BreakoutMode;
  durationSeconds: number;
  /** Manual mode: identity → room index (0-based). */
  assignments?: Record<string, number>;
  /** Room names; an empty or missing one is "Room n". */
  names?: string[];
}

/** A moderator's message to every room. */
export interface BreakoutMessageInfo {
  text: string;
  fromName: string;
}

const MODES: Record<BreakoutMode, cosmo.v1.BreakoutMode> = {
  random: cosmo.v1.BreakoutMode.BREAKOUT_MODE_RANDOM,
  manual: cosmo.v1.BreakoutMode.BREAKOUT_MODE_MANUAL,
  choose: cosmo.v1.BreakoutMode.BREAKOUT_MODE_CHOOSE,
  group: cosmo.v1.BreakoutMode.BREAKOUT_MODE_GROUP,
};

/** The wire form of a mode. */
export function breakoutModeToProto(mode: BreakoutMode): cosmo.v1.BreakoutMode {
  const wire = MODES[mode];
  if (wire === undefined) throw new TypeError(`${String(mode)} is not a breakout mode`);
  return wire;
}

function modeFromProto(mode: cosmo.v1.BreakoutMode | null | undefined): BreakoutMode {
  const found = (Object.keys(MODES) as BreakoutMode[]).find((m) => MODES[m] === mode);
  return found ?? 'random';
}

/** The plain form of a wire breakout. */
export function breakoutFromProto(b: cosmo.v1.Breakout.$Properties): BreakoutInfo {
  return {
    rooms: (b.rooms ?? []).map((r, i) => ({
      id: r.id ?? '',
      name: r.name || `Room ${i + 1}`,
      identities: [...(r.identities ?? [])],
    })),
    mode: modeFromProto(b.mode),
    endsAt: Number(b.endsAt ?? 0),
    mainRoom: b.mainRoom ?? '',
  };
}

/** The request of `startBreakout`, checked: throws TypeError on bad arguments. */
export function startBreakoutToProto(
  options: StartBreakoutOptions,
): cosmo.v1.StartBreakoutRequest.$Properties {
  const { rooms, durationSeconds } = options;
  if (!Number.isInteger(rooms) || rooms < 1)
    throw new TypeError('rooms must be a whole number ≥ 1');
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1)
    throw new TypeError('durationSeconds must be a whole number ≥ 1');
  const assignments: Record<string, number> = {};
  for (const [identity, index] of Object.entries(options.assignments ?? {})) {
    if (!Number.isInteger(index) || index < 0 || index >= rooms)
      throw new TypeError(`the room of ${identity} is not one of the ${rooms} rooms`);
    assignments[identity] = index;
  }
  return {
    rooms,
    mode: breakoutModeToProto(options.mode),
    durationSeconds,
    assignments,
    names: options.names ?? [],
  };
}

/** The room of `identity` in a breakout (moderators see who is where), if any. */
export function breakoutRoomOf(
  breakout: BreakoutInfo | undefined,
  identity: string,
): BreakoutRoomInfo | undefined {
  return breakout?.rooms.find((r) => r.identities.includes(identity));
}
