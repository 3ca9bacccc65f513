import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** espeak-ng says `text` (US English, 150 words a minute) into `dir`/s.wav; sox converts it. */
function speak<T>(text: string, convert: (wav: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-speech-'));
  try {
    const wav = join(dir, 's.wav');
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-g', '12', '-w', wav, text]);
    return convert(wav, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** sox's output options: mono, 16-bit, at `sampleRate`. */
const mono16 = (sampleRate: number) => ['-r', String(sampleRate), '-c', '1', '-b', '16'];

/**
 * Real speech for tests, demos and the bench: espeak-ng says `text`, sox turns it into mono
 * signed 16-bit PCM at `sampleRate`.
 */
export function synthesizeSpeech(text: string, sampleRate = 16000): Int16Array {
  return speak(text, (wav, dir) => {
    const raw = join(dir, 's.raw');
    execFileSync('sox', [wav, ...mono16(sampleRate), '-e', 'signed', raw]);
    const bytes = readFileSync(raw);
    return new Int16Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
  });
}

/**
 * The same speech as a mono 16-bit WAV file at `path`, after `leadSeconds` of quiet: a fake
 * microphone for Chromium (`--use-file-for-fake-audio-capture`).
 */
export function writeSpeechWav(
  text: string,
  path: string,
  options: { sampleRate?: number; leadSeconds?: number } = {},
): void {
  const { sampleRate = 48000, leadSeconds = 0 } = options;
  speak(text, (wav) =>
    execFileSync('sox', [wav, ...mono16(sampleRate), path, 'pad', String(leadSeconds), '0']),
  );
}
