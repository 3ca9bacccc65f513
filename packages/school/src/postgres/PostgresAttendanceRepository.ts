import type { AttendanceEvent, AttendanceRepository } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

/** Attendance timelines in PostgreSQL. */
export class PostgresAttendanceRepository implements AttendanceRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  record(e: AttendanceEvent): void {
    this.#db.query(
      'INSERT INTO attendance_events (lecture_id, person_id, kind, at) VALUES ($1, $2, $3, $4)',
      [e.lectureId, e.personId, e.kind, e.at],
    );
  }

  events(lectureId: string): AttendanceEvent[] {
    return this.#db.query<AttendanceEvent>(
      'SELECT lecture_id AS "lectureId", person_id AS "personId", kind, at FROM attendance_events WHERE lecture_id = $1 ORDER BY at, id',
      [lectureId],
    );
  }
}
