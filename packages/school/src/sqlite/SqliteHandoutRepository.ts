import type { Db } from '../SchoolDatabase.js';
import type { Handout, HandoutRepository } from '../repositories.js';

const SELECT = `SELECT id, class_id AS classId, sha256, filename, mime, size, uploaded_by AS uploadedBy,
  created_at AS createdAt FROM handouts`;

/** Handouts in SQLite. */
export class SqliteHandoutRepository implements HandoutRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  add(h: Handout): void {
    this.#db
      .prepare(
        'INSERT INTO handouts (id, class_id, sha256, filename, mime, size, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(h.id, h.classId, h.sha256, h.filename, h.mime, h.size, h.uploadedBy, h.createdAt);
  }

  get(id: string): Handout | undefined {
    return this.#db.prepare(`${SELECT} WHERE id = ?`).get(id) as Handout | undefined;
  }

  forClass(classId: string): Handout[] {
    return this.#db
      .prepare(`${SELECT} WHERE class_id = ? ORDER BY created_at`)
      .all(classId) as Handout[];
  }

  countDownload(handoutId: string, personId: string, at: number): void {
    this.#db
      .prepare(
        `INSERT INTO handout_downloads (handout_id, person_id, count, last_at) VALUES (?, ?, 1, ?)
         ON CONFLICT (handout_id, person_id) DO UPDATE SET count = count + 1, last_at = excluded.last_at`,
      )
      .run(handoutId, personId, at);
  }

  downloads(handoutId: string): { personId: string; count: number }[] {
    return this.#db
      .prepare(
        'SELECT person_id AS personId, count FROM handout_downloads WHERE handout_id = ? ORDER BY person_id',
      )
      .all(handoutId) as { personId: string; count: number }[];
  }
}
