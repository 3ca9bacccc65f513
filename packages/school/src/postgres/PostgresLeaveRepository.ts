import type { LeaveRepository, LeaveRequest } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const SELECT = `SELECT id, person_id AS "personId", class_id AS "classId", from_date AS "fromDate",
  to_date AS "toDate", reason, status, decided_by AS "decidedBy", comment, created_at AS "createdAt",
  decided_at AS "decidedAt" FROM leave_requests`;

/** Leave requests in PostgreSQL. */
export class PostgresLeaveRepository implements LeaveRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  create(r: LeaveRequest): void {
    this.#db.query(
      `INSERT INTO leave_requests (id, person_id, class_id, from_date, to_date, reason, status, decided_by, comment, created_at, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
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
      ],
    );
  }

  get(id: string): LeaveRequest | undefined {
    return this.#db.query<LeaveRequest>(`${SELECT} WHERE id = $1`, [id])[0];
  }

  decide(
    id: string,
    status: 'approved' | 'rejected',
    decidedBy: string,
    comment: string,
    at: number,
  ): boolean {
    // Two teachers deciding at once on two nodes: the row lock lets one change it; the other finds
    // it no longer pending.
    return (
      this.#db.query(
        `UPDATE leave_requests SET status = $1, decided_by = $2, comment = $3, decided_at = $4
         WHERE id = $5 AND status = 'pending' RETURNING id`,
        [status, decidedBy, comment, at, id],
      ).length === 1
    );
  }

  forClass(classId: string): LeaveRequest[] {
    return this.#db.query<LeaveRequest>(`${SELECT} WHERE class_id = $1 ORDER BY created_at`, [
      classId,
    ]);
  }

  approvedOn(personId: string, classId: string, date: string): LeaveRequest | undefined {
    return this.#db.query<LeaveRequest>(
      `${SELECT} WHERE person_id = $1 AND class_id = $2 AND status = 'approved'
       AND from_date <= $3 AND to_date >= $3 LIMIT 1`,
      [personId, classId, date],
    )[0];
  }
}
