import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Files stored by the SHA-256 of their content: the same handout uploaded twice is stored once,
 * and a stored file can never change under its address.
 */
export class ContentStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** Stores `bytes` (durably: written, then renamed into place); returns the hex address. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const dir = join(this.#root, sha256.slice(0, 2));
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${sha256}.${process.pid}.tmp`);
    await writeFile(tmp, bytes, { flush: true });
    await rename(tmp, this.#path(sha256));
    return sha256;
  }

  /** The bytes at an address. */
  get(sha256: string): Promise<Buffer> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError('not a content address');
    return readFile(this.#path(sha256));
  }

  #path(sha256: string): string {
    return join(this.#root, sha256.slice(0, 2), sha256);
  }
}
