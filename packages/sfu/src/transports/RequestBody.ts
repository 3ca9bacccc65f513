import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { BodyRule } from '../http/types.js';

/** Where temporary upload files are named from; anything matching it in the upload dir is ours. */
export const UPLOAD_FILE_PREFIX = 'upload-';

/** Creates the upload dir, and deletes uploads a previous run left behind (a crash mid-upload). */
export async function prepareUploadDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.startsWith(UPLOAD_FILE_PREFIX)) await rm(join(dir, name), { force: true });
  }
}

/**
 * One admitted request body as it arrives: kept in memory or streamed to a temporary file, and
 * refused the moment it passes its route's limit, with or without a Content-Length.
 */
export class RequestBody {
  readonly maxBytes: number;
  #size = 0;
  readonly #chunks: Buffer[] = [];
  readonly #file: WriteStream | undefined;
  readonly #path: string | undefined;
  #fileError: Error | undefined;
  #discarded = false;

  /** `uploadDir` must exist when `rule.toFile` is set. */
  constructor(rule: BodyRule, uploadDir: string) {
    this.maxBytes = rule.maxBytes;
    if (rule.toFile) {
      this.#path = join(uploadDir, `${UPLOAD_FILE_PREFIX}${randomUUID()}`);
      this.#file = createWriteStream(this.#path, { flags: 'wx', mode: 0o600 });
      this.#file.on('error', (err) => (this.#fileError ??= err));
    }
  }

  /** Bytes received so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Takes a chunk (copied: the transport may reuse its memory). False when the body is now over
   * its limit: the caller refuses the request with 413 and calls `discard`.
   */
  write(chunk: Uint8Array): boolean {
    if (this.#discarded) return false;
    this.#size += chunk.byteLength;
    if (this.#size > this.maxBytes) return false;
    if (chunk.byteLength === 0) return true;
    // After a write error (a full disk) the rest is not kept; `end` reports the error.
    if (this.#file) {
      if (!this.#fileError) this.#file.write(Buffer.from(chunk));
    } else this.#chunks.push(Buffer.from(chunk));
    return true;
  }

  /** Whether the file has more queued than it wants: the caller stops reading until `onDrain`. */
  get saturated(): boolean {
    return this.#file?.writableNeedDrain ?? false;
  }

  /** Calls `listener` once the file has written what was queued (or has failed). */
  onDrain(listener: () => void): void {
    const file = this.#file;
    if (!file || file.destroyed) {
      listener();
      return;
    }
    const once = () => {
      file.off('drain', once);
      file.off('close', once);
      listener();
    };
    file.on('drain', once);
    file.on('close', once);
  }

  /** The whole body once its last chunk is in: the bytes, or the file holding them. */
  async end(): Promise<{ body: Uint8Array; bodyFile?: string }> {
    if (!this.#file) return { body: Buffer.concat(this.#chunks) };
    this.#file.end();
    await finished(this.#file);
    if (this.#fileError) throw this.#fileError;
    return { body: new Uint8Array(0), bodyFile: this.#path! };
  }

  /** Forgets the body and deletes its file. No-op when already discarded. */
  async discard(): Promise<void> {
    if (this.#discarded) return;
    this.#discarded = true;
    this.#chunks.length = 0;
    if (!this.#file) return;
    this.#file.destroy();
    await finished(this.#file).catch(() => undefined);
    await rm(this.#path!, { force: true });
  }
}
