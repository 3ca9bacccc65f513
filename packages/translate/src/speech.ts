import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real speech for tests, demos and the bench: espeak-ng says `text` (US English, 150 words a
 * minute), sox turns it into mono signed 16-bit PCM at `sampleRate`.
 */
export function synthesizeSpeech(text: string, sampleRate = 16000): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-speech-'));
  try {
    execFileSync('espeak-ng', [
      '-v',
      'en-us',
      '-s',
      '150',
      '-g',
      '12',
      '-w',
      join(dir, 's.wav'),
      text,
    ]);
    execFileSync('sox', [
      join(dir, 's.wav'),
      '-r',
      String(sampleRate),
      '-c',
      '1',
      '-b',
      '16',
      '-e',
      'signed',
      join(dir, 's.raw'),
    ]);
    const bytes = readFileSync(join(dir, 's.raw'));
    return new Int16Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
