import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { HandoutContentStore } from './repositories.js';

/** Refuses (TypeError) anything but a lower-case hex SHA-256. */
export function checkContentAddress(sha256: string): void {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError('not a content address');
}

/** The SHA-256 of the file at `path`, read as a stream, never whole into memory. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Handout files in a local folder (one server on SQLite), stored by the SHA-256 of their content:
 * the same handout uploaded twice is stored once, and a stored file can never change under its
 * address.
 */
export class ContentStore implements HandoutContentStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /**
   * Stores a copy of the file at `path` (durably: copied, flushed, then renamed into place);
   * returns the hex address. The file is read as a stream, never whole into memory.
   */
  async putFile(path: string): Promise<string> {
    const sha256 = await sha256OfFile(path);
    const target = this.#path(sha256);
    if (
      await stat(target).then(
        () => true,
        () => false,
      )
    )
      return sha256;
    await mkdir(join(this.#root, sha256.slice(0, 2)), { recursive: true });
    // A name of its own: the same file uploaded twice at once is two copies racing to one place.
    const tmp = join(this.#root, sha256.slice(0, 2), `.${sha256}.${randomUUID()}.tmp`);
    try {
      await copyFile(path, tmp);
      const handle = await open(tmp, 'r+');
      await handle.sync().finally(() => handle.close());
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
    return sha256;
  }

  /** The bytes at an address. */
  get(sha256: string): Promise<Buffer> {
    checkContentAddress(sha256);
    return readFile(this.#path(sha256));
  }

  #path(sha256: string): string {
    return join(this.#root, sha256.slice(0, 2), sha256);
  }
}
