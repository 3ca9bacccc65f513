import type { Delivery, DeliveryRepository } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const COLUMNS = `d.notice_id AS "noticeId", d.person_id AS "personId", d.channel, d.round,
  d.due_at AS "dueAt", d.state, d.attempts, d.done_at AS "doneAt", d.detail`;

const KEY = 'notice_id = $1 AND person_id = $2 AND channel = $3 AND round = $4';
type Key = Pick<Delivery, 'noticeId' | 'personId' | 'channel' | 'round'>;
const keyOf = (d: Key) => [d.noticeId, d.personId, d.channel, d.round] as const;

/**
 * A database session, as `pg_stat_activity` shows it: which node's connection claimed a row. The
 * nodes share one role, so each sees the others' sessions.
 */
const SESSION = `pid::text || '@' || extract(epoch FROM backend_start)::text`;
const THIS_SESSION = `(SELECT ${SESSION} FROM pg_stat_activity WHERE pid = pg_backend_pid())`;

/** Claims the rows `pick` selects (locked, skipping those another node is claiming). */
const claim = (pick: string) =>
  `UPDATE notice_deliveries d SET state = 'sending', claimed_at = $1, attempts = d.attempts + 1,
     claimed_by = ${THIS_SESSION}
   FROM (${pick} FOR UPDATE SKIP LOCKED) c
   WHERE d.notice_id = c.notice_id AND d.person_id = c.person_id AND d.channel = c.channel
     AND d.round = c.round
   RETURNING ${COLUMNS}`;

/**
 * The delivery ladder's queue in PostgreSQL, shared by the nodes of a cluster: a row is claimed
 * by one node only (`FOR UPDATE SKIP LOCKED`), and a node starting up requeues its own claims and
 * those of sessions that are gone, never a live node's.
 */
export class PostgresDeliveryRepository implements DeliveryRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  requeueInterrupted(): number {
    // A row another live node is sending is not interrupted: only this node's claims (as in
    // SQLite) and those of a session that has ended (its node crashed, or lost its connection) go
    // back to the queue.
    return this.#db.query(
      `UPDATE notice_deliveries SET state = 'queued'
       WHERE state = 'sending' AND (claimed_by IS NULL OR claimed_by = ${THIS_SESSION}
         OR claimed_by NOT IN (SELECT ${SESSION} FROM pg_stat_activity WHERE backend_start IS NOT NULL))
       RETURNING 1`,
    ).length;
  }

  claimDue(now: number, limit: number): Delivery[] {
    return this.#db
      .query<Delivery>(
        claim(`SELECT notice_id, person_id, channel, round FROM notice_deliveries
               WHERE state = 'queued' AND due_at <= $1 AND channel <> 'digest'
               ORDER BY due_at LIMIT $2`),
        [now, limit],
      )
      .sort((a, b) => a.dueAt - b.dueAt);
  }

  claimDueDigests(now: number): Delivery[] {
    return this.#db
      .query<Delivery>(
        claim(`SELECT notice_id, person_id, channel, round FROM notice_deliveries
               WHERE state = 'queued' AND due_at <= $1 AND channel = 'digest'`),
        [now],
      )
      .sort((a, b) => a.dueAt - b.dueAt);
  }

  enqueue(rows: Omit<Delivery, 'state' | 'attempts' | 'doneAt' | 'detail'>[]): number {
    return enqueueDeliveries(this.#db, rows);
  }

  finish(d: Key, state: 'sent' | 'skipped' | 'failed', at: number, detail: string): void {
    this.#db.query(
      `UPDATE notice_deliveries SET state = $5, done_at = $6, detail = $7 WHERE ${KEY}`,
      [...keyOf(d), state, at, detail],
    );
  }

  retry(d: Key, dueAt: number, detail: string): void {
    this.#db.query(
      `UPDATE notice_deliveries SET state = 'queued', due_at = $5, detail = $6 WHERE ${KEY}`,
      [...keyOf(d), dueAt, detail],
    );
  }

  forNotice(noticeId: string): Delivery[] {
    return this.#db.query<Delivery>(
      `SELECT ${COLUMNS} FROM notice_deliveries d WHERE notice_id = $1
       ORDER BY person_id COLLATE "C", round`,
      [noticeId],
    );
  }

  nextDueAt(): number | undefined {
    const [row] = this.#db.query<{ at: number | null }>(
      "SELECT MIN(due_at) AS at FROM notice_deliveries WHERE state = 'queued'",
    );
    return row?.at ?? undefined;
  }
}

/**
 * Queues the rows not there yet (a repeated key is ignored), in one statement whatever their
 * number; returns how many were added. Shared with the notices, which queue with the notice.
 */
export function enqueueDeliveries(
  db: PostgresDatabase,
  rows: readonly Omit<Delivery, 'state' | 'attempts' | 'doneAt' | 'detail'>[],
): number {
  if (rows.length === 0) return 0;
  return db.query(
    `INSERT INTO notice_deliveries (notice_id, person_id, channel, round, due_at, state)
     SELECT n, p, c, r, d, 'queued' FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[]) AS u(n, p, c, r, d)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [
      rows.map((d) => d.noticeId),
      rows.map((d) => d.personId),
      rows.map((d) => d.channel),
      rows.map((d) => d.round),
      rows.map((d) => d.dueAt),
    ],
  ).length;
}
