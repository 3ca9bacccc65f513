import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { checkContentAddress, sha256OfFile } from '../ContentStore.js';
import type { HandoutContentStore } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

/**
 * Handout files in PostgreSQL (table `handout_content`), so that a handout uploaded through one
 * node of a cluster opens through any other.
 *
 * A bytea holds up to 1 GB, but a value is written and read whole, in one synchronous round trip
 * that holds the node's event loop, and travels as hex text (twice its size, in libpq and in a
 * JavaScript string): fine for handouts, which are at most 20 MB (`MAX_HANDOUT_BYTES`; the server
 * stops reading an upload at 24 MB), not for big files. The folder store's `get` reads whole too.
 */
export class PostgresContentStore implements HandoutContentStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  /**
   * Stores the file at `path`; returns its hex address. The hash comes first, from a stream: a
   * file already stored is not read again. Two nodes storing the same file at once store it once.
   */
  async putFile(path: string): Promise<string> {
    const sha256 = await sha256OfFile(path);
    if (this.#has(sha256)) return sha256;
    const bytes = await readFile(path);
    // The address must name these bytes, even if the file changed since it was hashed.
    if (createHash('sha256').update(bytes).digest('hex') !== sha256)
      throw new Error(`the file ${path} changed while it was stored`);
    this.#db.query(
      `INSERT INTO handout_content (sha256, bytes, size, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sha256) DO NOTHING`,
      [sha256, bytes, bytes.length, Date.now()],
    );
    return sha256;
  }

  /** The bytes at an address (see `HandoutContentStore.get`). */
  get(sha256: string): Promise<Buffer> {
    checkContentAddress(sha256);
    try {
      const [row] = this.#db.query<{ bytes: Buffer }>(
        'SELECT bytes FROM handout_content WHERE sha256 = $1',
        [sha256],
      );
      if (!row) {
        const err = new Error(
          `ENOENT: no handout content ${sha256} in PostgreSQL at ${this.#db.where}`,
        );
        return Promise.reject(Object.assign(err, { code: 'ENOENT' }));
      }
      return Promise.resolve(row.bytes);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #has(sha256: string): boolean {
    return this.#db.query('SELECT 1 FROM handout_content WHERE sha256 = $1', [sha256]).length > 0;
  }
}
