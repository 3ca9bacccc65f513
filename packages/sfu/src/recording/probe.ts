import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * How long a media file plays (ms), from ffprobe: the container's duration, or, for a file whose
 * writer died before closing it (no duration written), the end of its last packet. Undefined when
 * the file holds nothing ffprobe can read.
 */
export async function probeDurationMs(file: string): Promise<number | undefined> {
  try {
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'csv=p=0',
      file,
    ]);
    const s = Number.parseFloat(stdout.trim());
    if (Number.isFinite(s) && s > 0) return Math.round(s * 1000);
    const packets = await run(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    let end = 0;
    for (const line of packets.stdout.split('\n')) {
      const [pts, dur] = line.split(',').map(Number.parseFloat);
      if (Number.isFinite(pts)) end = Math.max(end, pts! + (Number.isFinite(dur) ? dur! : 0));
    }
    return end > 0 ? Math.round(end * 1000) : undefined;
  } catch {
    return undefined;
  }
}
