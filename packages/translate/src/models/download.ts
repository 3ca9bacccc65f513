import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CosmoError, ErrorCode } from '@cosmo/core';

/** Progress of a download: bytes so far, and the total when the server says it. */
export type PullProgress = (done: number, total: number | undefined) => void;

/** Why a fetch failed, in a few words (undici hides it in `cause`). */
export const reason = (err: unknown): string => {
  const cause = (err as { cause?: unknown }).cause ?? err;
  return cause instanceof Error ? cause.message : String(cause);
};

/**
 * Fetches `url`, turning a network failure or an error status into UNAVAILABLE naming the host
 * or the status; redirects not followed are answers (HEAD with `redirect: 'manual'`).
 */
async function fetchOrExplain(url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new CosmoError(
      ErrorCode.UNAVAILABLE,
      `cannot reach ${new URL(url).host}: ${reason(err)}`,
    );
  }
  // A redirect asked not to be followed is an answer, not a failure.
  if (!response.ok && !(response.status >= 300 && response.status < 400)) {
    throw new CosmoError(ErrorCode.UNAVAILABLE, `${url}: HTTP ${response.status}`);
  }
  return response;
}

/**
 * Streams `url` into `path`, hashing it on the way with each algorithm asked for, and reports
 * progress (with the total the server announces). Returns the bytes written and the hex digests. The caller checks the digests before
 * giving the file its final name.
 */
export async function downloadTo(
  url: string,
  path: string,
  options: { algorithms: string[]; onProgress?: PullProgress },
): Promise<{ bytes: number; digests: Record<string, string> }> {
  const response = await fetchOrExplain(url);
  if (!response.body) throw new CosmoError(ErrorCode.UNAVAILABLE, `${url}: empty response`);
  const hashes: [string, Hash][] = options.algorithms.map((a) => [a, createHash(a)]);
  const total = Number(response.headers.get('content-length')) || undefined;
  let bytes = 0;
  const body = Readable.fromWeb(response.body as WebReadableStream);
  body.on('data', (chunk: Buffer) => {
    for (const [, h] of hashes) h.update(chunk);
    bytes += chunk.length;
    options.onProgress?.(bytes, total);
  });
  try {
    await pipeline(body, createWriteStream(path));
  } catch (err) {
    throw new CosmoError(ErrorCode.UNAVAILABLE, `downloading ${url} failed: ${reason(err)}`);
  }
  return { bytes, digests: Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')])) };
}
