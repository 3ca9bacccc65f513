import type { Db } from '../SchoolDatabase.js';
import type { AttendanceEvent, AttendanceRepository } from '../repositories.js';

/** Attendance timelines in SQLite. */
export class SqliteAttendanceRepository implements AttendanceRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  record(e: AttendanceEvent): void {
    this.#db
      .prepare(
        'INSERT INTO attendance_events (lecture_id, person_id, kind, at) VALUES (?, ?, ?, ?)',
      )
      .run(e.lectureId, e.personId, e.kind, e.at);
  }

  events(lectureId: string): AttendanceEvent[] {
    return this.#db
      .prepare(
        'SELECT lecture_id AS lectureId, person_id AS personId, kind, at FROM attendance_events WHERE lecture_id = ? ORDER BY at, id',
      )
      .all(lectureId) as AttendanceEvent[];
  }
}
