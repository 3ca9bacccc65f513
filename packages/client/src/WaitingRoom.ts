// The waiting room, as its moderators see it.
import type { cosmo } from '@cosmo/core';

/** Someone waiting to be let in. */
export interface WaitingEntryInfo {
  identity: string;
  name: string;
  /** Whether the school's roster has them in this classroom's class. */
  onRoster: boolean;
  /** Unix ms. */
  since: number;
}

/** A classroom's waiting room: whether it is on, and who waits in it. */
export interface WaitingRoomInfo {
  enabled: boolean;
  /** Students on the class's roster go straight in. */
  admitRoster: boolean;
  /** Oldest first. */
  waiting: WaitingEntryInfo[];
}

export function waitingRoomFromProto(w: cosmo.v1.WaitingRoom.$Properties): WaitingRoomInfo {
  return {
    enabled: Boolean(w.enabled),
    admitRoster: Boolean(w.admitRoster),
    waiting: (w.waiting ?? [])
      .map((e) => ({
        identity: e.identity ?? '',
        name: e.name || e.identity || '',
        onRoster: Boolean(e.onRoster),
        since: e.since ?? 0,
      }))
      .sort((a, b) => a.since - b.since),
  };
}
