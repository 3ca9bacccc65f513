// Test helpers: what a published recording holds, read back with ffmpeg (frames, sound, black).
import { execFileSync } from 'node:child_process';

/**
 * The mean RGB of each quarter of the frame at `atS` seconds (top-left, top-right, bottom-left,
 * bottom-right), the lines where quarters meet left out.
 */
export function quarterColours(file: string, atS: number): [number, number, number][] {
  const w = 32;
  const h = 18;
  const rgb = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(atS),
      '-i',
      file,
      '-frames:v',
      '1',
      '-vf',
      `scale=${w}:${h}`,
    ].concat(['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']),
    { maxBuffer: 1 << 20 },
  );
  const sums = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (Math.abs(x + 0.5 - w / 2) < 3 || Math.abs(y + 0.5 - h / 2) < 3) continue;
      const q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
      const i = (y * w + x) * 3;
      const s = sums[q]!;
      s[0]! += rgb[i]!;
      s[1]! += rgb[i + 1]!;
      s[2]! += rgb[i + 2]!;
      s[3]! += 1;
    }
  return sums.map((s) => [s[0]! / s[3]!, s[1]! / s[3]!, s[2]! / s[3]!]);
}

/** Mono 16 kHz samples of the file's sound from `fromS`, `lengthS` long. */
export function soundOf(file: string, fromS: number, lengthS: number): Int16Array {
  const pcm = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(fromS),
      '-t',
      String(lengthS),
      '-i',
      file,
      '-vn',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-f',
      's16le',
      'pipe:1',
    ],
    { maxBuffer: 64 << 20 },
  );
  return new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
}

/** The share of a signal's power at `frequency` Hz (Goertzel over the whole signal), 0…1. */
export function toneShare(samples: Int16Array, frequency: number, rate = 16000): number {
  const k = (2 * Math.cos((2 * Math.PI * frequency) / rate)) as number;
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  // A pure tone's Goertzel power is N²A²/4 and its total power N·A²/2: the ratio is N/2.
  return total === 0 ? 0 : power / total / (samples.length / 2);
}

/** The runs of (nearly) black video in the file, sampled `fps` times a second: start and length (s). */
export function blackRuns(file: string, fps = 5): { atS: number; lengthS: number }[] {
  const w = 16;
  const h = 9;
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `fps=${fps},scale=${w}:${h}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ],
    { maxBuffer: 256 << 20 },
  );
  const runs: { atS: number; lengthS: number }[] = [];
  let run = 0;
  const frames = Math.floor(raw.length / (w * h));
  for (let n = 0; n <= frames; n++) {
    let sum = 0;
    for (let i = n * w * h; i < (n + 1) * w * h && n < frames; i++) sum += raw[i]!;
    const black = n < frames && sum / (w * h) < 20;
    if (black) run++;
    else if (run) {
      runs.push({ atS: (n - run) / fps, lengthS: run / fps });
      run = 0;
    }
  }
  return runs;
}
