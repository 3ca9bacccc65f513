import type { Db } from '../SchoolDatabase.js';
import type { EndedClassRepository } from '../repositories.js';

/** Ended classes in SQLite. */
export class SqliteEndedClassRepository implements EndedClassRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  endedAt(room: string): number | undefined {
    const row = this.#db.prepare('SELECT ended_at FROM ended_classes WHERE room = ?').get(room) as
      { ended_at: number } | undefined;
    return row?.ended_at;
  }

  markEnded(room: string, at: number): void {
    this.#db
      .prepare(
        'INSERT INTO ended_classes (room, ended_at) VALUES (?, ?) ON CONFLICT(room) DO UPDATE SET ended_at = excluded.ended_at',
      )
      .run(room, at);
  }

  reopen(room: string): void {
    this.#db.prepare('DELETE FROM ended_classes WHERE room = ?').run(room);
  }
}
