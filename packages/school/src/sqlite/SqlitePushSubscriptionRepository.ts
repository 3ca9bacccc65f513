import type { Db } from '../SchoolDatabase.js';
import type { PushSubscriptionRecord, PushSubscriptionRepository } from '../repositories.js';

const COLUMNS =
  'id, person_id AS personId, endpoint, p256dh, auth, device, created_at AS createdAt';

/** Push subscriptions in SQLite. */
export class SqlitePushSubscriptionRepository implements PushSubscriptionRepository {
  readonly #db: Db;
  /** Asked for every recipient of a notice: prepared once. */
  readonly #count: ReturnType<Db['prepare']>;

  constructor(db: Db) {
    this.#db = db;
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM push_subscriptions WHERE person_id = ?');
  }

  upsert(sub: PushSubscriptionRecord): PushSubscriptionRecord {
    // An endpoint is one browser profile: when another student logs in on it, it becomes theirs
    // (the first must not get the second's notices on a shared family tablet).
    return this.#db
      .prepare(
        `INSERT INTO push_subscriptions (id, person_id, endpoint, p256dh, auth, device, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(endpoint) DO UPDATE SET person_id = excluded.person_id,
           p256dh = excluded.p256dh, auth = excluded.auth, device = excluded.device
         RETURNING ${COLUMNS}`,
      )
      .get(
        sub.id,
        sub.personId,
        sub.endpoint,
        sub.p256dh,
        sub.auth,
        sub.device,
        sub.createdAt,
      ) as PushSubscriptionRecord;
  }

  forPerson(personId: string): PushSubscriptionRecord[] {
    return this.#db
      .prepare(`SELECT ${COLUMNS} FROM push_subscriptions WHERE person_id = ? ORDER BY created_at`)
      .all(personId) as PushSubscriptionRecord[];
  }

  count(personId: string): number {
    return (this.#count.get(personId) as { n: number }).n;
  }

  counts(personIds: readonly string[]): Map<string, number> {
    const rows = this.#db
      .prepare(
        `SELECT person_id AS id, COUNT(*) AS n FROM push_subscriptions
         WHERE person_id IN (SELECT value FROM json_each(?)) GROUP BY person_id`,
      )
      .all(JSON.stringify(personIds)) as { id: string; n: number }[];
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  removeEndpoint(personId: string, endpoint: string): boolean {
    return (
      this.#db
        .prepare('DELETE FROM push_subscriptions WHERE person_id = ? AND endpoint = ?')
        .run(personId, endpoint).changes > 0
    );
  }

  remove(id: string): void {
    this.#db.prepare('DELETE FROM push_subscriptions WHERE id = ?').run(id);
  }
}
