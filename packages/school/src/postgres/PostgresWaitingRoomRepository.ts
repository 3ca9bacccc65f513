import type { WaitingRoomRepository, WaitingRoomSettings } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

/** Waiting-room settings in PostgreSQL. */
export class PostgresWaitingRoomRepository implements WaitingRoomRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  settings(room: string): WaitingRoomSettings | undefined {
    const [row] = this.#db.query<{ enabled: boolean; admit_roster: boolean }>(
      'SELECT enabled, admit_roster FROM waiting_rooms WHERE room = $1',
      [room],
    );
    return row && { enabled: row.enabled, admitRoster: row.admit_roster };
  }

  save(room: string, settings: WaitingRoomSettings, at: number): void {
    this.#db.query(
      `INSERT INTO waiting_rooms (room, enabled, admit_roster, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (room) DO UPDATE SET enabled = excluded.enabled,
         admit_roster = excluded.admit_roster, updated_at = excluded.updated_at`,
      [room, settings.enabled, settings.admitRoster, at],
    );
  }
}
