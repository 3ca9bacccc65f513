import type { WaitingRoomRepository, WaitingRoomSettings } from '@cosmo/school';

/**
 * Waiting-room settings kept in memory, for a server without the school database (`school:
 * false`): they last as long as the process.
 */
export class MemoryWaitingRoomRepository implements WaitingRoomRepository {
  readonly #settings = new Map<string, WaitingRoomSettings>();

  settings(room: string): WaitingRoomSettings | undefined {
    const settings = this.#settings.get(room);
    return settings && { ...settings };
  }

  save(room: string, settings: WaitingRoomSettings): void {
    this.#settings.set(room, { enabled: settings.enabled, admitRoster: settings.admitRoster });
  }
}
