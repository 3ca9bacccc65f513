import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { MediaSource } from '@cosmo/core';

/**
 * What a recording writes as it goes, one JSON object per line, appended at once: what the
 * publisher needs when the lecture ends, and what survives when the server does not.
 */

/** A segment: one producer written by one recorder, from `startedAt`. */
export interface SegmentStarted {
  type: 'start';
  n: number;
  /** Relative to the recording's folder. */
  file: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  identity: string;
  name: string;
  role: string;
  producerId: string;
  /** Unix ms. */
  startedAt: number;
}

export interface SegmentEnded {
  type: 'end';
  n: number;
  endedAt: number;
  reason: string;
}

export type SegmentLogLine = SegmentStarted | SegmentEnded;

/** Recording turned on and off (stretches), and the moments chapters start. */
export type EventLogLine =
  | { type: 'on'; at: number }
  | { type: 'off'; at: number }
  | { type: 'chapter'; at: number; title: string };

/** A final caption line, in one language, with wall-clock times. */
export interface CaptionLogLine {
  sequence: number;
  language: string;
  text: string;
  startAt: number;
  endAt: number;
  uncertain?: boolean;
}

/**
 * Ends a log with a line break if its last line was torn (the server died while writing it), so
 * the next line appended is a line of its own.
 */
export function mendLog(file: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file);
  if (text.length && text[text.length - 1] !== 0x0a) appendFileSync(file, '\n');
}

/** Appends one line. */
export function appendLog(
  file: string,
  line: SegmentLogLine | EventLogLine | CaptionLogLine,
): void {
  appendFileSync(file, JSON.stringify(line) + '\n');
}

/**
 * Reads a log; a torn last line (the server died while writing it) is skipped, as is any line
 * that is not JSON.
 */
export function readLog<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // A torn line.
    }
  }
  return out;
}
