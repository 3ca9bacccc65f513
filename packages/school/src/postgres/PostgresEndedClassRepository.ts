import type { EndedClassRepository } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

/** Ended classes in PostgreSQL. */
export class PostgresEndedClassRepository implements EndedClassRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  endedAt(room: string): number | undefined {
    const [row] = this.#db.query<{ ended_at: number }>(
      'SELECT ended_at FROM ended_classes WHERE room = $1',
      [room],
    );
    return row?.ended_at;
  }

  markEnded(room: string, at: number): void {
    this.#db.query(
      'INSERT INTO ended_classes (room, ended_at) VALUES ($1, $2) ON CONFLICT (room) DO UPDATE SET ended_at = excluded.ended_at',
      [room, at],
    );
  }

  reopen(room: string): void {
    this.#db.query('DELETE FROM ended_classes WHERE room = $1', [room]);
  }
}
