import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CosmoError, ErrorCode } from '@cosmo/core';

/** The C source of `cosmo-sphinx`, shipped with the package (src/ and dist/ sit at the same depth). */
export const DECODER_SOURCE = fileURLToPath(
  new URL('../../../native/cosmo-sphinx.c', import.meta.url),
);

/** Where compiled helpers are kept: `COSMO_CACHE_DIR`, else ~/.cache/cosmo. */
export const cacheDir = (): string =>
  process.env.COSMO_CACHE_DIR || join(homedir(), '.cache', 'cosmo');

let built: string | undefined;

/**
 * The path of the `cosmo-sphinx` decoder, compiled from its source against Debian's pocketsphinx
 * and sphinxbase the first time (about a second) and cached under a hash of the source, so an
 * upgrade rebuilds it. Throws UNAVAILABLE, naming the packages, when it cannot be built.
 */
export function decoderBinary(): string {
  if (built && existsSync(built)) return built;
  const source = readFileSync(DECODER_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = cacheDir();
  const binary = join(dir, `cosmo-sphinx-${hash}`);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'pocketsphinx', 'sphinxbase'], {
      encoding: 'utf8',
    });
    if (flags.status !== 0)
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        'the pocketsphinx decoder needs the Debian packages libpocketsphinx-dev, libsphinxbase-dev and pkg-config',
      );
    // A unique name, renamed into place: two servers building at once both end up with one binary.
    const partial = `${binary}.${process.pid}.tmp`;
    const cc = spawnSync(
      'cc',
      ['-O2', '-o', partial, DECODER_SOURCE, ...flags.stdout.trim().split(/\s+/), '-lm'],
      { encoding: 'utf8' },
    );
    if (cc.status !== 0) {
      rmSync(partial, { force: true });
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        `cannot build the pocketsphinx decoder (needs a C compiler: Debian's build-essential): ${(cc.stderr || cc.error?.message || '').trim().slice(0, 300)}`,
      );
    }
    renameSync(partial, binary);
  }
  built = binary;
  return binary;
}
