import type { TranscriptLine } from './repositories.js';

/** Transcript export formats. */
export type TranscriptFormat = 'vtt' | 'srt' | 'txt';

function timestamp(ms: number, separator: '.' | ','): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(t % 1000, 3)}`;
}

/** A lecture's transcript as WebVTT, SubRip (SRT) or plain text. */
export function formatTranscript(lines: TranscriptLine[], format: TranscriptFormat): string {
  if (format === 'txt') return lines.map((l) => l.text).join('\n') + (lines.length ? '\n' : '');
  const cues = lines.map((l, i) => {
    const sep = format === 'vtt' ? '.' : ',';
    // A cue's text may not contain a blank line or, in WebVTT, the arrow.
    const text = l.text.replace(/\n\s*\n/g, '\n').replace(/-->/g, '→');
    return `${i + 1}\n${timestamp(l.startMs, sep)} --> ${timestamp(Math.max(l.endMs, l.startMs + 1), sep)}\n${text}\n`;
  });
  return (format === 'vtt' ? 'WEBVTT\n\n' : '') + cues.join('\n');
}
