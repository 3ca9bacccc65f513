import type { Handout, HandoutRepository } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const SELECT = `SELECT id, class_id AS "classId", sha256, filename, mime, size,
  uploaded_by AS "uploadedBy", created_at AS "createdAt" FROM handouts`;

/** Handouts in PostgreSQL. */
export class PostgresHandoutRepository implements HandoutRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  add(h: Handout): void {
    this.#db.query(
      'INSERT INTO handouts (id, class_id, sha256, filename, mime, size, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [h.id, h.classId, h.sha256, h.filename, h.mime, h.size, h.uploadedBy, h.createdAt],
    );
  }

  get(id: string): Handout | undefined {
    return this.#db.query<Handout>(`${SELECT} WHERE id = $1`, [id])[0];
  }

  forClass(classId: string): Handout[] {
    return this.#db.query<Handout>(`${SELECT} WHERE class_id = $1 ORDER BY created_at`, [classId]);
  }

  countDownload(handoutId: string, personId: string, at: number): void {
    this.#db.query(
      `INSERT INTO handout_downloads (handout_id, person_id, count, last_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (handout_id, person_id)
       DO UPDATE SET count = handout_downloads.count + 1, last_at = excluded.last_at`,
      [handoutId, personId, at],
    );
  }

  downloads(handoutId: string): { personId: string; count: number }[] {
    return this.#db.query<{ personId: string; count: number }>(
      'SELECT person_id AS "personId", count FROM handout_downloads WHERE handout_id = $1 ORDER BY person_id COLLATE "C"',
      [handoutId],
    );
  }
}
