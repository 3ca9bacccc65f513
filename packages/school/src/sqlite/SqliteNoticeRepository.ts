import type { Db } from '../SchoolDatabase.js';
import type {
  Delivery,
  DeliverySummary,
  Notice,
  NoticeRepository,
  ReceiptInput,
  ReceiptOutcome,
  Receipts,
  RecipientStatus,
} from '../repositories.js';

interface NoticeRow {
  id: string;
  school_id: string;
  audience: string;
  sender_id: string;
  sender_name: string;
  title: string;
  body: string;
  urgent: number;
  sent_at: number;
  idempotency_key: string | null;
  email_after_ms: number | null;
}

const noticeOf = (r: NoticeRow): Notice => ({
  id: r.id,
  schoolId: r.school_id,
  audience: r.audience,
  senderId: r.sender_id,
  senderName: r.sender_name,
  title: r.title,
  body: r.body,
  urgent: r.urgent === 1,
  sentAt: r.sent_at,
  idempotencyKey: r.idempotency_key,
  emailAfterMs: r.email_after_ms,
});

/** Notices and receipts in SQLite. */
export class SqliteNoticeRepository implements NoticeRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  create(
    n: Notice,
    recipientIds: string[],
    deliveries: Omit<Delivery, 'state' | 'attempts' | 'doneAt' | 'detail'>[] = [],
  ): { notice: Notice; created: boolean } {
    const db = this.#db;
    return db.transaction(() => {
      if (n.idempotencyKey) {
        const existing = db
          .prepare('SELECT * FROM notices WHERE idempotency_key = ?')
          .get(n.idempotencyKey) as NoticeRow | undefined;
        if (existing) return { notice: noticeOf(existing), created: false };
      }
      db.prepare(
        `INSERT INTO notices (id, school_id, audience, sender_id, sender_name, title, body, urgent, sent_at, idempotency_key, email_after_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        n.id,
        n.schoolId,
        n.audience,
        n.senderId,
        n.senderName,
        n.title,
        n.body,
        n.urgent ? 1 : 0,
        n.sentAt,
        n.idempotencyKey,
        n.emailAfterMs,
      );
      const add = db.prepare(
        'INSERT INTO notice_recipients (notice_id, person_id, last_pushed_at) VALUES (?, ?, ?)',
      );
      for (const id of recipientIds) add.run(n.id, id, n.sentAt);
      db.prepare('UPDATE notices SET recipient_count = ? WHERE id = ?').run(
        recipientIds.length,
        n.id,
      );
      // The ladder is queued with the notice: a crash right after the send loses neither.
      const queue = db.prepare(
        `INSERT OR IGNORE INTO notice_deliveries (notice_id, person_id, channel, round, due_at, state)
         VALUES (?, ?, ?, ?, ?, 'queued')`,
      );
      for (const d of deliveries) queue.run(d.noticeId, d.personId, d.channel, d.round, d.dueAt);
      return { notice: n, created: true };
    })();
  }

  get(id: string): Notice | undefined {
    const row = this.#db.prepare('SELECT * FROM notices WHERE id = ?').get(id) as
      NoticeRow | undefined;
    return row && noticeOf(row);
  }

  undelivered(personId: string): Notice[] {
    return (
      this.#db
        .prepare(
          `SELECT n.* FROM notices n JOIN notice_recipients r ON r.notice_id = n.id
           WHERE r.person_id = ? AND r.delivered_at IS NULL ORDER BY n.sent_at`,
        )
        .all(personId) as NoticeRow[]
    ).map(noticeOf);
  }

  unread(personId: string, limit: number): Notice[] {
    return (
      this.#db
        .prepare(
          `SELECT * FROM (SELECT n.* FROM notices n JOIN notice_recipients r ON r.notice_id = n.id
           WHERE r.person_id = ? AND r.read_at IS NULL ORDER BY n.sent_at DESC LIMIT ?) ORDER BY sent_at`,
        )
        .all(personId, limit) as NoticeRow[]
    ).map(noticeOf);
  }

  isRecipient(noticeId: string, personId: string): boolean {
    return !!this.#db
      .prepare('SELECT 1 FROM notice_recipients WHERE notice_id = ? AND person_id = ?')
      .get(noticeId, personId);
  }

  recordReceipts(receipts: readonly ReceiptInput[]): ReceiptOutcome[] {
    const db = this.#db;
    const find = db.prepare(
      'SELECT delivered_at AS deliveredAt, read_at AS readAt FROM notice_recipients WHERE notice_id = ? AND person_id = ?',
    );
    const mark = db.prepare(
      `UPDATE notice_recipients SET delivered_at = COALESCE(delivered_at, ?),
         delivered_via = CASE WHEN delivered_at IS NULL THEN ? ELSE delivered_via END,
         read_at = CASE WHEN ? THEN COALESCE(read_at, ?) ELSE read_at END
       WHERE notice_id = ? AND person_id = ?`,
    );
    const count = db.prepare(
      'UPDATE notices SET delivered_count = delivered_count + ?, read_count = read_count + ? WHERE id = ?',
    );
    return db.transaction(() =>
      receipts.map(({ noticeId, personId, kind, at, via }): ReceiptOutcome => {
        const row = find.get(noticeId, personId) as
          { deliveredAt: number | null; readAt: number | null } | undefined;
        if (!row) return 'unknown';
        const delivered = row.deliveredAt === null ? 1 : 0;
        const read = kind === 'read' && row.readAt === null ? 1 : 0;
        if (!delivered && !read) return 'unchanged';
        mark.run(at, via ?? 'live', read, at, noticeId, personId);
        count.run(delivered, read, noticeId);
        return 'changed';
      }),
    )();
  }

  markPushed(noticeId: string, personId: string, at: number, reminder: boolean): void {
    this.#db
      .prepare(
        'UPDATE notice_recipients SET last_pushed_at = ?, reminders = reminders + ? WHERE notice_id = ? AND person_id = ?',
      )
      .run(at, reminder ? 1 : 0, noticeId, personId);
  }

  receipts(noticeId: string): Receipts {
    return (
      (this.#db
        .prepare(
          `SELECT recipient_count AS recipients, delivered_count AS delivered, read_count AS read
         FROM notices WHERE id = ?`,
        )
        .get(noticeId) as Receipts | undefined) ?? { recipients: 0, delivered: 0, read: 0 }
    );
  }

  dueReminders(
    now: number,
    intervalMs: number,
    limit: number,
  ): { noticeId: string; personId: string; reminders: number }[] {
    return this.#db
      .prepare(
        `SELECT notice_id AS noticeId, person_id AS personId, reminders FROM notice_recipients
         WHERE read_at IS NULL AND reminders < ? AND last_pushed_at <= ?`,
      )
      .all(limit, now - intervalMs) as { noticeId: string; personId: string; reminders: number }[];
  }

  progress(noticeId: string, personId: string): { delivered: boolean; read: boolean } | undefined {
    const row = this.#db
      .prepare(
        'SELECT delivered_at AS d, read_at AS r FROM notice_recipients WHERE notice_id = ? AND person_id = ?',
      )
      .get(noticeId, personId) as { d: number | null; r: number | null } | undefined;
    return row && { delivered: row.d !== null, read: row.r !== null };
  }

  recipientStatuses(noticeId: string): RecipientStatus[] {
    return this.#db
      .prepare(
        `SELECT r.person_id AS personId, COALESCE(p.name, r.person_id) AS name,
           r.delivered_at AS deliveredAt, r.delivered_via AS deliveredVia, r.read_at AS readAt,
           r.reminders AS reminders,
           (SELECT MIN(done_at) FROM notice_deliveries d WHERE d.notice_id = r.notice_id
              AND d.person_id = r.person_id AND d.channel = 'push' AND d.state = 'sent') AS pushedAt,
           (SELECT MIN(done_at) FROM notice_deliveries d WHERE d.notice_id = r.notice_id
              AND d.person_id = r.person_id AND d.channel IN ('email', 'digest') AND d.state = 'sent') AS emailedAt,
           (SELECT COUNT(*) FROM notice_deliveries d WHERE d.notice_id = r.notice_id
              AND d.person_id = r.person_id AND d.state IN ('queued', 'sending')) AS queued
         FROM notice_recipients r LEFT JOIN people p ON p.id = r.person_id
         WHERE r.notice_id = ? ORDER BY name`,
      )
      .all(noticeId) as RecipientStatus[];
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
