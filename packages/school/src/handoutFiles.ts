import { stat } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import { CosmoError, ErrorCode } from '@cosmo/core';

/** Largest handout. */
export const MAX_HANDOUT_BYTES = 20 * 1024 * 1024;
/** What a handout may be, checked from its bytes (not its name). */
export const HANDOUT_TYPES: ReadonlySet<string> = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
]);

/**
 * Checks an uploaded handout (the file at `path`): not empty, not too large, a PDF or an image by
 * its first bytes. Returns its type, size and a file name safe to store and to offer for download.
 */
export async function checkHandoutFile(
  filename: string,
  path: string,
): Promise<{ name: string; mime: string; size: number }> {
  const { size } = await stat(path);
  if (size === 0) throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'the file is empty');
  if (size > MAX_HANDOUT_BYTES) {
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `a handout is at most ${MAX_HANDOUT_BYTES / 1024 / 1024} MB`,
    );
  }
  const type = await fileTypeFromFile(path);
  if (!type || !HANDOUT_TYPES.has(type.mime)) {
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `a handout must be a PDF or an image (PNG, JPEG, WebP, GIF), not ${type?.mime ?? 'an unknown type'}`,
    );
  }
  const name =
    filename
      // Path separators, quotes and control characters make no sense in a file name.
      // eslint-disable-next-line no-control-regex
      .replace(/[\\/\u0000-\u001f"]/g, '_')
      .trim()
      .slice(0, 120) || `handout.${type.ext}`;
  return { name, mime: type.mime, size };
}
