import { stringify } from 'csv-stringify/sync';
import type { AttendanceEvent, Lecture, Person } from './repositories.js';

/** How a student attended a lecture. */
export type AttendanceStatus = 'present' | 'late' | 'absent' | 'excused';

/** One row of the attendance report (like Teams' attendance report). */
export interface AttendanceRow {
  personId: string;
  name: string;
  className: string;
  lecture: string;
  status: AttendanceStatus;
  /** Unix ms, or null when never joined. */
  firstJoin: number | null;
  lastLeave: number | null;
  minutes: number;
}

/** Rules of the report. */
export interface AttendancePolicy {
  /** Joining up to this long after the start still counts as present. */
  lateGraceMs: number;
  /** Gaps up to this long (a reconnect) are merged into one stretch. */
  reconnectMergeMs: number;
}

/** Five minutes' grace; drops under two minutes are reconnects. */
export const DEFAULT_ATTENDANCE_POLICY: AttendancePolicy = {
  lateGraceMs: 5 * 60_000,
  reconnectMergeMs: 2 * 60_000,
};

/** The YYYY-MM-DD of a lecture in UTC, to match leave dates. */
export function lectureDate(lecture: Lecture): string {
  return new Date(lecture.startsAt).toISOString().slice(0, 10);
}

/**
 * Computes the report for one lecture: the join/leave timeline of each student merged across
 * reconnects, clipped to the lecture, checked against the start and against approved leave.
 */
export function attendanceReport(input: {
  lecture: Lecture;
  className: string;
  students: Person[];
  events: AttendanceEvent[];
  excused: ReadonlySet<string>;
  now: number;
  policy?: AttendancePolicy;
}): AttendanceRow[] {
  const { lecture, className, students, events, excused, now } = input;
  const policy = input.policy ?? DEFAULT_ATTENDANCE_POLICY;
  const end = Math.min(lecture.endsAt, now);
  return students.map((student) => {
    const mine = events.filter((e) => e.personId === student.id).sort((a, b) => a.at - b.at);
    const stretches: [number, number][] = [];
    let open: number | null = null;
    for (const e of mine) {
      if (e.kind === 'join') {
        if (open === null) open = e.at;
      } else if (open !== null) {
        stretches.push([open, e.at]);
        open = null;
      }
    }
    if (open !== null) stretches.push([open, Math.max(open, end)]);
    const merged: [number, number][] = [];
    for (const s of stretches) {
      const last = merged[merged.length - 1];
      if (last && s[0] - last[1] <= policy.reconnectMergeMs) last[1] = Math.max(last[1], s[1]);
      else merged.push([...s]);
    }
    let ms = 0;
    for (const [a, b] of merged)
      ms += Math.max(0, Math.min(b, lecture.endsAt) - Math.max(a, lecture.startsAt));
    const firstJoin = merged[0]?.[0] ?? null;
    const lastLeave = open !== null ? null : (merged[merged.length - 1]?.[1] ?? null);
    let status: AttendanceStatus;
    if (firstJoin === null || firstJoin >= lecture.endsAt)
      status = excused.has(student.id) ? 'excused' : 'absent';
    else status = firstJoin <= lecture.startsAt + policy.lateGraceMs ? 'present' : 'late';
    return {
      personId: student.id,
      name: student.name,
      className,
      lecture: lecture.title,
      status,
      firstJoin,
      lastLeave,
      minutes: Math.round(ms / 60_000),
    };
  });
}

/** The report as CSV (formula-safe): name, class, lecture, status, first join, last leave, minutes. */
export function attendanceCsv(rows: AttendanceRow[]): string {
  const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());
  return stringify(
    rows.map((r) => [
      r.name,
      r.className,
      r.lecture,
      r.status,
      iso(r.firstJoin),
      iso(r.lastLeave),
      r.minutes,
    ]),
    {
      header: true,
      columns: ['name', 'class', 'lecture', 'status', 'first_join', 'last_leave', 'minutes'],
      // Names come from the roster: a cell starting with = + - @ would run as a formula when a
      // teacher opens the file in a spreadsheet; csv-stringify prefixes it with an apostrophe.
      escape_formulas: true,
    },
  );
}
