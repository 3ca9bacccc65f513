import type { RecordingChapter, RecordingRecord, RecordingStatus } from './repositories.js';

/** The `recordings` table's column of each field (SQLite and PostgreSQL alike). */
export const RECORDING_COLUMNS = {
  id: 'id',
  room: 'room',
  classId: 'class_id',
  schoolId: 'school_id',
  lectureId: 'lecture_id',
  title: 'title',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  status: 'status',
  progress: 'progress',
  durationMs: 'duration_ms',
  bytes: 'bytes',
  languages: 'languages',
  chapters: 'chapters',
  allowDownload: 'allow_download',
  error: 'error',
  expiresAt: 'expires_at',
  startedBy: 'started_by',
} as const satisfies Record<keyof RecordingRecord, string>;

/** `SELECT <every column> FROM recordings`. */
export const SELECT_RECORDING = `SELECT ${Object.values(RECORDING_COLUMNS).join(', ')} FROM recordings`;

/** A row as both databases return it (SQLite's flag is 0/1, PostgreSQL's a boolean). */
export interface RecordingRow {
  id: string;
  room: string;
  class_id: string;
  school_id: string;
  lecture_id: string;
  title: string;
  started_at: number;
  ended_at: number;
  status: string;
  progress: number;
  duration_ms: number;
  bytes: number;
  languages: string;
  chapters: string;
  allow_download: number | boolean;
  error: string;
  expires_at: number;
  started_by: string;
}

/** A record from its row. */
export function recordingFromRow(row: RecordingRow): RecordingRecord {
  return {
    id: row.id,
    room: row.room,
    classId: row.class_id,
    schoolId: row.school_id,
    lectureId: row.lecture_id,
    title: row.title,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status as RecordingStatus,
    progress: row.progress,
    durationMs: row.duration_ms,
    bytes: row.bytes,
    languages: JSON.parse(row.languages) as string[],
    chapters: JSON.parse(row.chapters) as RecordingChapter[],
    allowDownload: row.allow_download === true || row.allow_download === 1,
    error: row.error,
    expiresAt: row.expires_at,
    startedBy: row.started_by,
  };
}

/**
 * The columns and values of a record's fields (all of them, or a patch's), JSON for the lists;
 * `flag` is how the database takes a boolean.
 */
export function recordingValues(
  fields: Partial<RecordingRecord>,
  flag: (b: boolean) => number | boolean,
  /** false for an update: a record never changes its id. */
  withId = true,
): { columns: string[]; values: (string | number | boolean)[] } {
  const columns: string[] = [];
  const values: (string | number | boolean)[] = [];
  for (const [key, column] of Object.entries(RECORDING_COLUMNS)) {
    const value = fields[key as keyof RecordingRecord];
    if (value === undefined || (key === 'id' && !withId)) continue;
    columns.push(column);
    if (typeof value === 'boolean') values.push(flag(value));
    else if (typeof value === 'object') values.push(JSON.stringify(value));
    else values.push(value);
  }
  return { columns, values };
}
