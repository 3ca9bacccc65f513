import type { PushSubscriptionRecord, PushSubscriptionRepository } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const COLUMNS =
  'id, person_id AS "personId", endpoint, p256dh, auth, device, created_at AS "createdAt"';

/** Push subscriptions in PostgreSQL. */
export class PostgresPushSubscriptionRepository implements PushSubscriptionRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  upsert(sub: PushSubscriptionRecord): PushSubscriptionRecord {
    // An endpoint is one browser profile: when another student logs in on it, it becomes theirs
    // (the first must not get the second's notices on a shared family tablet).
    return this.#db.query<PushSubscriptionRecord>(
      `INSERT INTO push_subscriptions (id, person_id, endpoint, p256dh, auth, device, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (endpoint) DO UPDATE SET person_id = excluded.person_id,
         p256dh = excluded.p256dh, auth = excluded.auth, device = excluded.device
       RETURNING ${COLUMNS}`,
      [sub.id, sub.personId, sub.endpoint, sub.p256dh, sub.auth, sub.device, sub.createdAt],
    )[0]!;
  }

  forPerson(personId: string): PushSubscriptionRecord[] {
    return this.#db.query<PushSubscriptionRecord>(
      `SELECT ${COLUMNS} FROM push_subscriptions WHERE person_id = $1 ORDER BY created_at`,
      [personId],
    );
  }

  count(personId: string): number {
    return this.#db.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM push_subscriptions WHERE person_id = $1',
      [personId],
    )[0]!.n;
  }

  counts(personIds: readonly string[]): Map<string, number> {
    const rows = this.#db.query<{ id: string; n: number }>(
      `SELECT person_id AS id, COUNT(*) AS n FROM push_subscriptions
       WHERE person_id = ANY($1::text[]) GROUP BY person_id`,
      [personIds],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  removeEndpoint(personId: string, endpoint: string): boolean {
    return (
      this.#db.query(
        'DELETE FROM push_subscriptions WHERE person_id = $1 AND endpoint = $2 RETURNING id',
        [personId, endpoint],
      ).length > 0
    );
  }

  remove(id: string): void {
    this.#db.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
  }
}
