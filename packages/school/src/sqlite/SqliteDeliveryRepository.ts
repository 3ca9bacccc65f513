import type { Db } from '../SchoolDatabase.js';
import type { Delivery, DeliveryRepository } from '../repositories.js';

interface DeliveryRow {
  notice_id: string;
  person_id: string;
  channel: Delivery['channel'];
  round: number;
  due_at: number;
  state: Delivery['state'];
  attempts: number;
  done_at: number | null;
  detail: string;
}

const deliveryOf = (r: DeliveryRow): Delivery => ({
  noticeId: r.notice_id,
  personId: r.person_id,
  channel: r.channel,
  round: r.round,
  dueAt: r.due_at,
  state: r.state,
  attempts: r.attempts,
  doneAt: r.done_at,
  detail: r.detail,
});

const KEY = 'notice_id = ? AND person_id = ? AND channel = ? AND round = ?';
type Key = Pick<Delivery, 'noticeId' | 'personId' | 'channel' | 'round'>;
const keyOf = (d: Key) => [d.noticeId, d.personId, d.channel, d.round] as const;

/** The delivery ladder's queue in SQLite. */
export class SqliteDeliveryRepository implements DeliveryRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  requeueInterrupted(): number {
    return this.#db
      .prepare("UPDATE notice_deliveries SET state = 'queued' WHERE state = 'sending'")
      .run().changes;
  }

  claimDue(now: number, limit: number): Delivery[] {
    const rows = this.#db
      .prepare(
        `UPDATE notice_deliveries SET state = 'sending', claimed_at = ?, attempts = attempts + 1
         WHERE rowid IN (SELECT rowid FROM notice_deliveries WHERE state = 'queued' AND due_at <= ?
                         AND channel != 'digest' ORDER BY due_at LIMIT ?)
         RETURNING *`,
      )
      .all(now, now, limit) as DeliveryRow[];
    return rows.map(deliveryOf).sort((a, b) => a.dueAt - b.dueAt);
  }

  claimDueDigests(now: number): Delivery[] {
    const rows = this.#db
      .prepare(
        `UPDATE notice_deliveries SET state = 'sending', claimed_at = ?, attempts = attempts + 1
         WHERE state = 'queued' AND due_at <= ? AND channel = 'digest'
         RETURNING *`,
      )
      .all(now, now) as DeliveryRow[];
    return rows.map(deliveryOf).sort((a, b) => a.dueAt - b.dueAt);
  }

  enqueue(rows: Omit<Delivery, 'state' | 'attempts' | 'doneAt' | 'detail'>[]): number {
    const db = this.#db;
    const add = db.prepare(
      `INSERT OR IGNORE INTO notice_deliveries (notice_id, person_id, channel, round, due_at, state)
       VALUES (?, ?, ?, ?, ?, 'queued')`,
    );
    return db.transaction(() => {
      let added = 0;
      for (const d of rows)
        added += add.run(d.noticeId, d.personId, d.channel, d.round, d.dueAt).changes;
      return added;
    })();
  }

  finish(d: Key, state: 'sent' | 'skipped' | 'failed', at: number, detail: string): void {
    this.#db
      .prepare(`UPDATE notice_deliveries SET state = ?, done_at = ?, detail = ? WHERE ${KEY}`)
      .run(state, at, detail, ...keyOf(d));
  }

  retry(d: Key, dueAt: number, detail: string): void {
    this.#db
      .prepare(`UPDATE notice_deliveries SET state = 'queued', due_at = ?, detail = ? WHERE ${KEY}`)
      .run(dueAt, detail, ...keyOf(d));
  }

  forNotice(noticeId: string): Delivery[] {
    return (
      this.#db
        .prepare('SELECT * FROM notice_deliveries WHERE notice_id = ? ORDER BY person_id, round')
        .all(noticeId) as DeliveryRow[]
    ).map(deliveryOf);
  }

  nextDueAt(): number | undefined {
    const row = this.#db
      .prepare("SELECT MIN(due_at) AS at FROM notice_deliveries WHERE state = 'queued'")
      .get() as { at: number | null };
    return row.at ?? undefined;
  }
}
