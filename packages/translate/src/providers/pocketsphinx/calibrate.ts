import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { POCKETSPHINX_DEFAULTS } from './PocketsphinxSpeechToText.js';

/**
 * Measures the cepstral mean of a voice (16 kHz mono PCM of a few sentences) for pocketsphinx's
 * `-cmninit`: the model's default suits natural voices; synthetic voices and unusual microphones
 * recognise far better with their own.
 */
export function calibrateCmn(pcm: Int16Array, hmm = POCKETSPHINX_DEFAULTS.hmm): string {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-cmn-'));
  try {
    const log = join(dir, 'ps.log');
    const args = [
      '-hmm',
      hmm,
      '-lm',
      POCKETSPHINX_DEFAULTS.lm,
      '-dict',
      POCKETSPHINX_DEFAULTS.dict,
      '-logfn',
      log,
    ];
    const result = spawnSync('sh', sphinxFromStdin(args), {
      input: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    if (result.status !== 0)
      throw new CosmoError(ErrorCode.UNAVAILABLE, 'pocketsphinx could not run to calibrate');
    const updates = [...readFileSync(log, 'utf8').matchAll(/Update to\s+<([^>]+)>/g)];
    const last = updates.at(-1)?.[1];
    if (!last) throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'too little speech to calibrate');
    return last.trim().split(/\s+/).join(',');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `sh` arguments that run pocketsphinx_continuous on our stdin: Node's stdin pipe is a socket,
 * which pocketsphinx cannot open as /dev/stdin, so `cat` bridges.
 */
function sphinxFromStdin(args: string[]): string[] {
  const quoted = ['-infile', '/dev/stdin', ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return ['-c', `cat | exec pocketsphinx_continuous ${quoted}`];
}
