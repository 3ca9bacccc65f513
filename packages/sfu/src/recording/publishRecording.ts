import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setPriority } from 'node:os';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { formatTranscript, type RecordingChapter, type TranscriptLine } from '@cosmo/school';
import { spawnTied } from '@cosmo/translate';
import {
  chaptersMetadata,
  composeArgs,
  type CaptionTrack,
  type ComposeOptions,
  type PlacedSegment,
} from './composeArgs.js';
import type { RecordingFiles } from './files.js';
import { probeDurationMs } from './probe.js';
import {
  readLog,
  type CaptionLogLine,
  type EventLogLine,
  type SegmentLogLine,
  type SegmentStarted,
} from './recordingLogs.js';
import { Timeline, stretchesOf } from './timeline.js';

/** What publishing made. */
export interface Published {
  durationMs: number;
  bytes: number;
  /** Caption languages, the spoken one first. */
  languages: string[];
  chapters: RecordingChapter[];
  /** Longest stretch inside the recording with no media at all (a writer died, say), ms. */
  longestGapMs: number;
}

/** The layer a segment is drawn on: screens above cameras, the teacher's camera above others. */
function layerOf(s: SegmentStarted): number {
  if (s.source === 'screen') return 2;
  return s.role === 'teacher' ? 1 : 0;
}

/**
 * Joins a recording's segments into `lecture.webm` with its captions and chapters: reads the logs
 * the recording wrote (recordingLogs.ts), measures each segment (a segment whose writer died
 * counts up to its last packet), lays them on the file's clock (the stretches, the time recording
 * was off left out), writes `captions.<language>.vtt` for each language read and `chapters.vtt`,
 * then encodes (ffmpeg at a low priority), reporting progress 0…1. The file appears only when
 * complete. Throws INVALID_STATE when nothing was recorded.
 */
export async function publishRecording(
  files: RecordingFiles,
  options: {
    title: string;
    compose: ComposeOptions;
    onProgress?: (fraction: number) => void;
    signal?: AbortSignal;
  },
): Promise<Published> {
  const lines = readLog<SegmentLogLine>(files.segmentLog);
  const starts = lines.filter((l): l is SegmentStarted => l.type === 'start');
  const measured: { start: SegmentStarted; file: string; durationMs: number }[] = [];
  for (const start of starts) {
    const file = join(files.dir, start.file);
    if (!existsSync(file) || statSync(file).size === 0) continue;
    const durationMs = await probeDurationMs(file);
    if (durationMs) measured.push({ start, file, durationMs });
  }
  const events = readLog<EventLogLine>(files.eventLog);
  const lastMoment = Math.max(0, ...measured.map((m) => m.start.startedAt + m.durationMs));
  const timeline = new Timeline(stretchesOf(events, lastMoment));
  const durationMs = timeline.durationMs;
  if (measured.length === 0 || durationMs <= 0)
    throw new CosmoError(ErrorCode.INVALID_STATE, 'nothing was recorded', {
      reason: 'NOTHING_RECORDED',
    });

  const segments: PlacedSegment[] = measured.map(({ start, file, durationMs: d }) => ({
    file,
    kind: start.kind,
    source: start.source,
    offsetMs: timeline.toMedia(start.startedAt),
    durationMs: d,
    layer: layerOf(start),
  }));

  // Captions: a file per language, in the order they first appear (the spoken line comes first).
  const captionLines = readLog<CaptionLogLine>(files.captionLog).filter((l) =>
    timeline.covers(l.startAt),
  );
  const languages: string[] = [];
  const byLanguage = new Map<string, TranscriptLine[]>();
  for (const l of captionLines) {
    if (!byLanguage.has(l.language)) {
      byLanguage.set(l.language, []);
      languages.push(l.language);
    }
    byLanguage.get(l.language)!.push({
      room: '',
      sequence: l.sequence,
      speaker: '',
      language: l.language,
      text: l.text,
      startMs: timeline.toMedia(l.startAt),
      endMs: Math.min(durationMs, timeline.toMedia(l.endAt)),
      ...(l.uncertain && { uncertain: true }),
    });
  }
  const captions: CaptionTrack[] = languages.map((language) => {
    const file = files.captions(language);
    writeFileSync(file, formatTranscript(byLanguage.get(language)!, 'vtt'));
    return { language, file };
  });

  // Chapters: where polls and screen shares started.
  const chapters: RecordingChapter[] = events
    .filter((e): e is Extract<EventLogLine, { type: 'chapter' }> => e.type === 'chapter')
    .filter((e) => timeline.covers(e.at))
    .map((e) => ({ atMs: timeline.toMedia(e.at), title: e.title }));
  writeFileSync(
    files.chapters,
    formatTranscript(
      chapters.map((c, i) => ({
        room: '',
        sequence: i + 1,
        speaker: '',
        language: '',
        text: c.title,
        startMs: c.atMs,
        endMs: chapters[i + 1]?.atMs ?? durationMs,
      })),
      'vtt',
    ),
  );
  const chaptersFile = join(files.dir, 'chapters.ffmeta');
  if (chapters.length) writeFileSync(chaptersFile, chaptersMetadata(chapters, durationMs));

  const partial = `${files.published}.part`;
  const args = composeArgs({
    segments,
    durationMs,
    captions,
    chaptersFile: chapters.length ? chaptersFile : undefined,
    title: options.title,
    output: partial,
    options: options.compose,
  });
  await encode(args, durationMs, options.onProgress, options.signal);
  renameSync(partial, files.published);
  rmSync(chaptersFile, { force: true });
  const published = (await probeDurationMs(files.published)) ?? durationMs;
  return {
    durationMs: published,
    bytes: statSync(files.published).size,
    languages,
    chapters,
    longestGapMs: longestGap(segments, durationMs),
  };
}

/** Runs the encoder, reporting how far it got; rejects with its last error lines on failure. */
function encode(
  args: string[],
  durationMs: number,
  onProgress: ((fraction: number) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const ffmpeg = spawnTied('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      setPriority(ffmpeg.pid!, 10);
    } catch {
      // Not allowed: it runs at the server's priority.
    }
    let stderr = '';
    ffmpeg.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    ffmpeg.stdout!.on('data', (c: Buffer) => {
      const m = /out_time_us=(\d+)/.exec(c.toString());
      if (m && onProgress) onProgress(Math.min(1, Number(m[1]) / 1000 / durationMs));
    });
    const abort = () => ffmpeg.kill('SIGKILL');
    signal?.addEventListener('abort', abort, { once: true });
    ffmpeg.once('error', (err) => reject(err));
    ffmpeg.once('exit', (code, sig) => {
      signal?.removeEventListener('abort', abort);
      if (code === 0) return resolve();
      reject(
        new CosmoError(
          ErrorCode.INTERNAL,
          `publishing failed (ffmpeg ${sig ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`,
        ),
      );
    });
  });
}

/** The longest time inside the file that no segment covers (ms). */
function longestGap(segments: readonly PlacedSegment[], durationMs: number): number {
  const spans = segments
    .map((s) => [s.offsetMs, Math.min(durationMs, s.offsetMs + s.durationMs)] as const)
    .sort((a, b) => a[0] - b[0]);
  let longest = 0;
  let covered = 0;
  for (const [from, to] of spans) {
    longest = Math.max(longest, from - covered);
    covered = Math.max(covered, to);
  }
  return Math.max(longest, durationMs - covered);
}
