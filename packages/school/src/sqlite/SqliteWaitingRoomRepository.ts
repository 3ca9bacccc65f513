import type { Db } from '../SchoolDatabase.js';
import type { WaitingRoomRepository, WaitingRoomSettings } from '../repositories.js';

/** Waiting-room settings in SQLite. */
export class SqliteWaitingRoomRepository implements WaitingRoomRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  settings(room: string): WaitingRoomSettings | undefined {
    const row = this.#db
      .prepare('SELECT enabled, admit_roster FROM waiting_rooms WHERE room = ?')
      .get(room) as { enabled: number; admit_roster: number } | undefined;
    return row && { enabled: row.enabled === 1, admitRoster: row.admit_roster === 1 };
  }

  save(room: string, settings: WaitingRoomSettings, at: number): void {
    this.#db
      .prepare(
        `INSERT INTO waiting_rooms (room, enabled, admit_roster, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(room) DO UPDATE SET enabled = excluded.enabled,
           admit_roster = excluded.admit_roster, updated_at = excluded.updated_at`,
      )
      .run(room, settings.enabled ? 1 : 0, settings.admitRoster ? 1 : 0, at);
  }
}
