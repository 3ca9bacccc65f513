import type { MediaSource } from '@cosmo/core';
import { iso3 } from '@cosmo/translate';

/** A segment placed on the published file's clock. */
export interface PlacedSegment {
  file: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  /** Where it starts in the file, and how long it plays (ms). */
  offsetMs: number;
  durationMs: number;
  /** Drawn above lower layers: a screen above cameras, the teacher's camera above an assistant's. */
  layer: number;
}

/** How the published file is encoded. */
export interface ComposeOptions {
  width: number;
  height: number;
  fps: number;
  videoKbps: number;
  audioKbps: number;
  /** Encoder threads (the publisher runs at a low priority beside the lectures). */
  threads: number;
}

/** Caption files to carry as subtitle tracks: language (BCP 47) and WebVTT file. */
export interface CaptionTrack {
  language: string;
  file: string;
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

/**
 * The ffmpeg arguments that join a recording's segments into one WebM (VP8 + Opus): a black
 * canvas as long as the recording, each video segment scaled into it at its offset (higher layers
 * above), every audio segment delayed to its offset and mixed (Opus DTX gaps filled with
 * silence), the captions as WebVTT subtitle tracks and the chapters from an ffmetadata file.
 * Progress goes to stdout (`-progress pipe:1`).
 */
export function composeArgs(input: {
  segments: readonly PlacedSegment[];
  durationMs: number;
  captions: readonly CaptionTrack[];
  /** An ffmetadata file with the chapters, if any. */
  chaptersFile?: string | undefined;
  title: string;
  output: string;
  options: ComposeOptions;
}): string[] {
  const { width: w, height: h, fps } = input.options;
  const videos = input.segments
    .filter((s) => s.kind === 'video')
    .sort((a, b) => a.layer - b.layer || a.offsetMs - b.offsetMs);
  const audios = input.segments.filter((s) => s.kind === 'audio');
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
  const graph: string[] = [];
  let index = 0;
  graph.push(
    `color=c=black:s=${w}x${h}:r=${fps}:d=${secs(input.durationMs)},format=yuv420p[base0]`,
  );
  videos.forEach((s, k) => {
    args.push('-i', s.file);
    const i = index++;
    graph.push(
      `[${i}:v:0]setpts=PTS-STARTPTS+${secs(s.offsetMs)}/TB,` +
        `scale=${w}:${h}:force_original_aspect_ratio=decrease,` +
        `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black,format=yuv420p[v${k}]`,
      `[base${k}][v${k}]overlay=eof_action=pass:repeatlast=0[base${k + 1}]`,
    );
  });
  const video = `base${videos.length}`;
  audios.forEach((s, k) => {
    args.push('-i', s.file);
    const i = index++;
    const delay = Math.max(0, Math.round(s.offsetMs));
    graph.push(
      `[${i}:a:0]aresample=async=1:first_pts=0,aformat=sample_rates=48000:channel_layouts=stereo,` +
        `adelay=${delay}:all=1[a${k}]`,
    );
  });
  if (audios.length === 0) graph.push('anullsrc=r=48000:cl=stereo[aout]');
  else if (audios.length === 1) graph.push('[a0]apad[aout]');
  else
    graph.push(
      `${audios.map((_, k) => `[a${k}]`).join('')}amix=inputs=${audios.length}:normalize=0:dropout_transition=0,apad[aout]`,
    );
  const captionInputs = input.captions.map((c) => {
    args.push('-i', c.file);
    return index++;
  });
  const chaptersInput = input.chaptersFile ? (args.push('-i', input.chaptersFile), index++) : -1;
  args.push('-filter_complex', graph.join(';'), '-map', `[${video}]`, '-map', '[aout]');
  captionInputs.forEach((i) => args.push('-map', `${i}:s:0`));
  if (chaptersInput >= 0) args.push('-map_chapters', String(chaptersInput));
  args.push(
    '-map_metadata',
    '-1',
    '-metadata',
    `title=${input.title}`,
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '16',
    '-b:v',
    `${input.options.videoKbps}k`,
    '-g',
    String(fps * 10),
    '-threads',
    String(input.options.threads),
    '-c:a',
    'libopus',
    '-b:a',
    `${input.options.audioKbps}k`,
  );
  if (captionInputs.length) args.push('-c:s', 'webvtt');
  // Matroska names a track's language in ISO 639-2 (players show "Japanese" for jpn, not ja).
  input.captions.forEach((c, k) =>
    args.push(`-metadata:s:s:${k}`, `language=${iso3(c.language) ?? c.language}`),
  );
  args.push(
    '-t',
    secs(input.durationMs),
    '-progress',
    'pipe:1',
    '-nostats',
    '-f',
    'webm',
    input.output,
  );
  return args;
}

/** Chapters as an ffmetadata file (`;FFMETADATA1`), each up to the next (the last to the end). */
export function chaptersMetadata(
  chapters: readonly { atMs: number; title: string }[],
  durationMs: number,
): string {
  const escape = (s: string) => s.replace(/[=;#\\\n]/g, (c) => (c === '\n' ? ' ' : `\\${c}`));
  const lines = [';FFMETADATA1'];
  chapters.forEach((c, i) => {
    const end = chapters[i + 1]?.atMs ?? durationMs;
    lines.push(
      '[CHAPTER]',
      'TIMEBASE=1/1000',
      `START=${Math.round(c.atMs)}`,
      `END=${Math.round(Math.max(end, c.atMs + 1))}`,
      `title=${escape(c.title)}`,
    );
  });
  return lines.join('\n') + '\n';
}
