import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContentStore } from './ContentStore.js';
import type { HandoutContentStore } from './repositories.js';

/**
 * A shared content store (PostgreSQL, for a cluster) with a copy of what this node has stored or
 * read in a local folder: content never changes under its address, so the copy is never stale,
 * and a handout is read from the database once per node rather than once per download (a 20 MB
 * file holds a node's event loop about 1.3 s through the synchronous database client).
 */
export class CachedContentStore implements HandoutContentStore {
  readonly #shared: HandoutContentStore;
  readonly #local: ContentStore;

  constructor(shared: HandoutContentStore, local: ContentStore) {
    this.#shared = shared;
    this.#local = local;
  }

  async putFile(path: string): Promise<string> {
    const sha256 = await this.#shared.putFile(path);
    await this.#local.putFile(path);
    return sha256;
  }

  async get(sha256: string): Promise<Buffer> {
    try {
      return await this.#local.get(sha256);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const bytes = await this.#shared.get(sha256);
    const tmp = join(tmpdir(), `cosmo-content-${randomUUID()}`);
    try {
      await writeFile(tmp, bytes);
      await this.#local.putFile(tmp);
    } finally {
      await rm(tmp, { force: true });
    }
    return bytes;
  }
}
