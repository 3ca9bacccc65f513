import type { EventLogLine } from './recordingLogs.js';

/** A stretch of wall-clock time during which the classroom was recorded (Unix ms). */
export interface Stretch {
  from: number;
  to: number;
}

/**
 * The stretches a recording was on, from its event log: each `on` opens one and the next `off`
 * closes it. One left open (the server died, or the log ends while recording) closes at
 * `lastMoment`, the last moment any segment holds.
 */
export function stretchesOf(events: readonly EventLogLine[], lastMoment: number): Stretch[] {
  const out: Stretch[] = [];
  let open: number | undefined;
  for (const e of events) {
    if (e.type === 'on' && open === undefined) open = e.at;
    else if (e.type === 'off' && open !== undefined) {
      if (e.at > open) out.push({ from: open, to: e.at });
      open = undefined;
    }
  }
  if (open !== undefined && lastMoment > open) out.push({ from: open, to: lastMoment });
  return out;
}

/**
 * The published file's clock: the recorded stretches one after another, the time between them
 * (recording was off) left out. Gaps inside a stretch (a writer died, a worker was replaced) stay,
 * as black and silence, so the file keeps the lecture's pace.
 */
export class Timeline {
  readonly stretches: readonly Stretch[];

  constructor(stretches: readonly Stretch[]) {
    this.stretches = [...stretches].sort((a, b) => a.from - b.from);
  }

  /** The file's length (ms). */
  get durationMs(): number {
    return this.stretches.reduce((n, s) => n + (s.to - s.from), 0);
  }

  /**
   * Where a wall-clock moment falls in the file (ms). A moment while recording was off maps to
   * where the next stretch begins; one after the end, to the end.
   */
  toMedia(at: number): number {
    let before = 0;
    for (const s of this.stretches) {
      if (at < s.from) return before;
      if (at <= s.to) return before + (at - s.from);
      before += s.to - s.from;
    }
    return before;
  }

  /** Whether a wall-clock moment was recorded. */
  covers(at: number): boolean {
    return this.stretches.some((s) => at >= s.from && at <= s.to);
  }
}
