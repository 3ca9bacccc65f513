import type { Db } from '../SchoolDatabase.js';
import type { LeaveRepository, LeaveRequest } from '../repositories.js';

const SELECT = `SELECT id, person_id AS personId, class_id AS classId, from_date AS fromDate, to_date AS toDate,
  reason, status, decided_by AS decidedBy, comment, created_at AS createdAt, decided_at AS decidedAt FROM leave_requests`;

/** Leave requests in SQLite. */
export class SqliteLeaveRepository implements LeaveRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  create(r: LeaveRequest): void {
    this.#db
      .prepare(
        `INSERT INTO leave_requests (id, person_id, class_id, from_date, to_date, reason, status, decided_by, comment, created_at, decided_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.personId,
        r.classId,
        r.fromDate,
        r.toDate,
        r.reason,
        r.status,
        r.decidedBy,
        r.comment,
        r.createdAt,
        r.decidedAt,
      );
  }

  get(id: string): LeaveRequest | undefined {
    return this.#db.prepare(`${SELECT} WHERE id = ?`).get(id) as LeaveRequest | undefined;
  }

  decide(
    id: string,
    status: 'approved' | 'rejected',
    decidedBy: string,
    comment: string,
    at: number,
  ): boolean {
    const r = this.#db
      .prepare(
        "UPDATE leave_requests SET status = ?, decided_by = ?, comment = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
      )
      .run(status, decidedBy, comment, at, id);
    return r.changes === 1;
  }

  forClass(classId: string): LeaveRequest[] {
    return this.#db
      .prepare(`${SELECT} WHERE class_id = ? ORDER BY created_at`)
      .all(classId) as LeaveRequest[];
  }

  approvedOn(personId: string, classId: string, date: string): LeaveRequest | undefined {
    return this.#db
      .prepare(
        `${SELECT} WHERE person_id = ? AND class_id = ? AND status = 'approved' AND from_date <= ? AND to_date >= ?`,
      )
      .get(personId, classId, date, date) as LeaveRequest | undefined;
  }
}
