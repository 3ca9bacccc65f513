import type {
  Channel,
  Delivery,
  DeliverySummary,
  Notice,
  NoticeRepository,
  ReceiptInput,
  ReceiptOutcome,
  Receipts,
  RecipientStatus,
} from '../repositories.js';
import { enqueueDeliveries } from './PostgresDeliveryRepository.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const NOTICE = `n.id, n.school_id AS "schoolId", n.audience, n.sender_id AS "senderId",
  n.sender_name AS "senderName", n.title, n.body, n.urgent, n.sent_at AS "sentAt",
  n.idempotency_key AS "idempotencyKey", n.email_after_ms AS "emailAfterMs"`;

interface RecipientRow {
  noticeId: string;
  personId: string;
  deliveredAt: number | null;
  deliveredVia: Channel | null;
  readAt: number | null;
}

/**
 * Notices and receipts in PostgreSQL. Writes that touch many rows (a notice's recipients, a batch
 * of receipts) are a few statements whatever their number: each is a round trip.
 */
export class PostgresNoticeRepository implements NoticeRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  create(
    n: Notice,
    recipientIds: string[],
    deliveries: Omit<Delivery, 'state' | 'attempts' | 'doneAt' | 'detail'>[] = [],
  ): { notice: Notice; created: boolean } {
    const db = this.#db;
    return db.transaction(() => {
      // The same key sent from two nodes at once: one inserts, the other waits for its commit,
      // inserts nothing, and returns that notice.
      const inserted = db.query(
        `INSERT INTO notices (id, school_id, audience, sender_id, sender_name, title, body, urgent,
           sent_at, idempotency_key, email_after_ms, recipient_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          n.id,
          n.schoolId,
          n.audience,
          n.senderId,
          n.senderName,
          n.title,
          n.body,
          n.urgent,
          n.sentAt,
          n.idempotencyKey,
          n.emailAfterMs,
          recipientIds.length,
        ],
      );
      if (inserted.length === 0) {
        const existing = n.idempotencyKey
          ? db.query<Notice>(`SELECT ${NOTICE} FROM notices n WHERE idempotency_key = $1`, [
              n.idempotencyKey,
            ])[0]
          : undefined;
        if (!existing) throw new Error(`a notice ${n.id} is already stored`);
        return { notice: existing, created: false };
      }
      if (recipientIds.length > 0)
        db.query(
          `INSERT INTO notice_recipients (notice_id, person_id, last_pushed_at)
           SELECT $1::text, p, $2::bigint FROM unnest($3::text[]) AS p`,
          [n.id, n.sentAt, recipientIds],
        );
      // The ladder is queued with the notice: a crash right after the send loses neither.
      enqueueDeliveries(db, deliveries);
      return { notice: n, created: true };
    });
  }

  get(id: string): Notice | undefined {
    return this.#db.query<Notice>(`SELECT ${NOTICE} FROM notices n WHERE id = $1`, [id])[0];
  }

  undelivered(personId: string): Notice[] {
    return this.#db.query<Notice>(
      `SELECT ${NOTICE} FROM notices n JOIN notice_recipients r ON r.notice_id = n.id
       WHERE r.person_id = $1 AND r.delivered_at IS NULL ORDER BY n.sent_at`,
      [personId],
    );
  }

  unread(personId: string, limit: number): Notice[] {
    return this.#db.query<Notice>(
      `SELECT * FROM (SELECT ${NOTICE} FROM notices n JOIN notice_recipients r ON r.notice_id = n.id
         WHERE r.person_id = $1 AND r.read_at IS NULL ORDER BY n.sent_at DESC LIMIT $2) AS newest
       ORDER BY "sentAt"`,
      [personId, limit],
    );
  }

  isRecipient(noticeId: string, personId: string): boolean {
    return (
      this.#db.query('SELECT 1 FROM notice_recipients WHERE notice_id = $1 AND person_id = $2', [
        noticeId,
        personId,
      ]).length > 0
    );
  }

  recordReceipts(receipts: readonly ReceiptInput[]): ReceiptOutcome[] {
    if (receipts.length === 0) return [];
    const db = this.#db;
    const key = (noticeId: string, personId: string) => `${noticeId}\u0000${personId}`;
    return db.transaction(() => {
      // Receipts of the same notices on other nodes wait here (notices, then recipients, each in
      // key order: no deadlock), so the counters below add up exactly.
      const noticeIds = [...new Set(receipts.map((r) => r.noticeId))].sort();
      db.query('SELECT 1 FROM notices WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE', [
        noticeIds,
      ]);
      const rows = db.query<RecipientRow>(
        `SELECT r.notice_id AS "noticeId", r.person_id AS "personId", r.delivered_at AS "deliveredAt",
           r.delivered_via AS "deliveredVia", r.read_at AS "readAt"
         FROM notice_recipients r
         JOIN unnest($1::text[], $2::text[]) AS k(n, p) ON r.notice_id = k.n AND r.person_id = k.p
         ORDER BY r.notice_id, r.person_id FOR UPDATE OF r`,
        [receipts.map((r) => r.noticeId), receipts.map((r) => r.personId)],
      );
      const state = new Map(rows.map((r) => [key(r.noticeId, r.personId), r]));
      // In order, as SQLite records them one by one: a second read of the same notice is unchanged.
      const changed = new Map<string, RecipientRow>();
      const counts = new Map<string, { delivered: number; read: number }>();
      const outcomes = receipts.map(({ noticeId, personId, kind, at, via }): ReceiptOutcome => {
        const row = state.get(key(noticeId, personId));
        if (!row) return 'unknown';
        const delivered = row.deliveredAt === null ? 1 : 0;
        const read = kind === 'read' && row.readAt === null ? 1 : 0;
        if (!delivered && !read) return 'unchanged';
        if (delivered) {
          row.deliveredAt = at;
          row.deliveredVia = via ?? 'live';
        }
        if (read) row.readAt = at;
        changed.set(key(noticeId, personId), row);
        const c = counts.get(noticeId) ?? { delivered: 0, read: 0 };
        c.delivered += delivered;
        c.read += read;
        counts.set(noticeId, c);
        return 'changed';
      });
      if (changed.size > 0) {
        const c = [...changed.values()];
        db.query(
          `UPDATE notice_recipients r SET delivered_at = u.d, delivered_via = u.via, read_at = u.r
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[])
             AS u(n, p, d, via, r)
           WHERE r.notice_id = u.n AND r.person_id = u.p`,
          [
            c.map((r) => r.noticeId),
            c.map((r) => r.personId),
            c.map((r) => r.deliveredAt),
            c.map((r) => r.deliveredVia),
            c.map((r) => r.readAt),
          ],
        );
        const totals = [...counts];
        db.query(
          `UPDATE notices SET delivered_count = delivered_count + u.d, read_count = read_count + u.r
           FROM unnest($1::text[], $2::int[], $3::int[]) AS u(id, d, r) WHERE notices.id = u.id`,
          [
            totals.map(([id]) => id),
            totals.map(([, t]) => t.delivered),
            totals.map(([, t]) => t.read),
          ],
        );
      }
      return outcomes;
    });
  }

  markPushed(noticeId: string, personId: string, at: number, reminder: boolean): void {
    this.#db.query(
      `UPDATE notice_recipients SET last_pushed_at = $1, reminders = reminders + $2
       WHERE notice_id = $3 AND person_id = $4`,
      [at, reminder ? 1 : 0, noticeId, personId],
    );
  }

  receipts(noticeId: string): Receipts {
    return (
      this.#db.query<Receipts>(
        `SELECT recipient_count AS recipients, delivered_count AS delivered, read_count AS read
         FROM notices WHERE id = $1`,
        [noticeId],
      )[0] ?? { recipients: 0, delivered: 0, read: 0 }
    );
  }

  dueReminders(
    now: number,
    intervalMs: number,
    limit: number,
  ): { noticeId: string; personId: string; reminders: number }[] {
    return this.#db.query<{ noticeId: string; personId: string; reminders: number }>(
      `SELECT notice_id AS "noticeId", person_id AS "personId", reminders FROM notice_recipients
       WHERE read_at IS NULL AND reminders < $1 AND last_pushed_at <= $2`,
      [limit, now - intervalMs],
    );
  }

  progress(noticeId: string, personId: string): { delivered: boolean; read: boolean } | undefined {
    return this.#db.query<{ delivered: boolean; read: boolean }>(
      `SELECT delivered_at IS NOT NULL AS delivered, read_at IS NOT NULL AS read
       FROM notice_recipients WHERE notice_id = $1 AND person_id = $2`,
      [noticeId, personId],
    )[0];
  }

  recipientStatuses(noticeId: string): RecipientStatus[] {
    return this.#db.query<RecipientStatus>(
      `SELECT r.person_id AS "personId", COALESCE(p.name, r.person_id) AS name,
         r.delivered_at AS "deliveredAt", r.delivered_via AS "deliveredVia", r.read_at AS "readAt",
         r.reminders AS reminders,
         (SELECT MIN(done_at) FROM notice_deliveries d WHERE d.notice_id = r.notice_id
            AND d.person_id = r.person_id AND d.channel = 'push' AND d.state = 'sent') AS "pushedAt",
         (SELECT MIN(done_at) FROM notice_deliveries d WHERE d.notice_id = r.notice_id
            AND d.person_id = r.person_id AND d.channel IN ('email', 'digest') AND d.state = 'sent') AS "emailedAt",
         (SELECT COUNT(*) FROM notice_deliveries d WHERE d.notice_id = r.notice_id
            AND d.person_id = r.person_id AND d.state IN ('queued', 'sending')) AS queued
       FROM notice_recipients r LEFT JOIN people p ON p.id = r.person_id
       WHERE r.notice_id = $1 ORDER BY COALESCE(p.name, r.person_id) COLLATE "C"`,
      [noticeId],
    );
  }

  deliverySummary(noticeId: string): DeliverySummary {
    const s = this.recipientStatuses(noticeId);
    const count = (f: (r: RecipientStatus) => boolean) => s.filter(f).length;
    return {
      recipients: s.length,
      live: count((r) => r.deliveredVia === 'live'),
      pushed: count((r) => r.pushedAt !== null),
      emailed: count((r) => r.emailedAt !== null),
      deliveredByPush: count((r) => r.deliveredVia === 'push'),
      deliveredByEmail: count((r) => r.deliveredVia === 'email'),
      delivered: count((r) => r.deliveredAt !== null),
      read: count((r) => r.readAt !== null),
      unreached: count(
        (r) => r.deliveredAt === null && r.pushedAt === null && r.emailedAt === null,
      ),
    };
  }
}
