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

/** What marks a line the recogniser was unsure of, so a reader of the file knows. */
const UNSURE = '(?) ';

/**
 * A lecture's transcript as WebVTT, SubRip (SRT) or plain text. An uncertain line starts with
 * "(?)", and in a cue it is also in italics.
 */
export function formatTranscript(lines: TranscriptLine[], format: TranscriptFormat): string {
  if (format === 'txt') {
    const text = lines.map((l) => (l.uncertain ? UNSURE + l.text : l.text));
    return text.join('\n') + (lines.length ? '\n' : '');
  }
  const cues = lines.map((l, i) => {
    const sep = format === 'vtt' ? '.' : ',';
    // A cue's text may not contain a blank line or, in WebVTT, the arrow.
    let text = l.text.replace(/\n\s*\n/g, '\n').replace(/-->/g, '→');
    // WebVTT reads `&` and `<` as markup, and the italics below are markup.
    if (format === 'vtt') text = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    if (l.uncertain) text = `<i>${UNSURE}${text}</i>`;
    return `${i + 1}\n${timestamp(l.startMs, sep)} --> ${timestamp(Math.max(l.endMs, l.startMs + 1), sep)}\n${text}\n`;
  });
  return (format === 'vtt' ? 'WEBVTT\n\n' : '') + cues.join('\n');
}
