import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Who says it, how fast, over what. */
export interface Voice {
  /** An espeak-ng voice, e.g. `en-us` or `en-us+f3` (its female variant). Default `en-us`. */
  voice?: string;
  /** Words a minute; default 150. */
  wordsPerMinute?: number;
  /** Pink noise mixed under the speech, in dB relative to full scale (e.g. -40); none by default. */
  noiseDb?: number;
}

/**
 * espeak-ng says `text` into `dir`/s.wav (with noise under it when asked); sox converts it. sox
 * runs repeatable (`-R`) and without dither (`-D`): the same text makes the same samples.
 */
function speak<T>(text: string, voice: Voice, convert: (wav: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-speech-'));
  try {
    const said = join(dir, 'said.wav');
    const { voice: name = 'en-us', wordsPerMinute = 150, noiseDb } = voice;
    execFileSync('espeak-ng', [
      '-v',
      name,
      '-s',
      String(wordsPerMinute),
      '-g',
      '12',
      '-w',
      said,
      text,
    ]);
    let wav = said;
    if (noiseDb !== undefined) {
      wav = join(dir, 's.wav');
      const noise = join(dir, 'noise.wav');
      const seconds = execFileSync('soxi', ['-D', said], { encoding: 'utf8' }).trim();
      const rate = execFileSync('soxi', ['-r', said], { encoding: 'utf8' }).trim();
      execFileSync('sox', [
        '-R',
        '-D',
        '-n',
        '-r',
        rate,
        '-c',
        '1',
        '-b',
        '16',
        noise,
        'synth',
        seconds,
        'pinknoise',
        'norm',
        String(noiseDb),
      ]);
      execFileSync('sox', ['-R', '-D', '-m', said, noise, wav]);
    }
    return convert(wav, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** sox's output options: mono, 16-bit, at `sampleRate`, repeatable and undithered. */
const mono16 = (sampleRate: number) => ['-r', String(sampleRate), '-c', '1', '-b', '16'];

/**
 * Real speech for tests, demos and the bench: espeak-ng says `text`, sox turns it into mono
 * signed 16-bit PCM at `sampleRate`.
 */
export function synthesizeSpeech(text: string, sampleRate = 16000, voice: Voice = {}): Int16Array {
  return speak(text, voice, (wav, dir) => {
    const raw = join(dir, 's.raw');
    execFileSync('sox', ['-R', '-D', wav, ...mono16(sampleRate), '-e', 'signed', raw]);
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
  speak(text, {}, (wav) =>
    execFileSync('sox', [wav, ...mono16(sampleRate), path, 'pad', String(leadSeconds), '0']),
  );
}
