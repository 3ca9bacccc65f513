import type { Db } from '../SchoolDatabase.js';
import {
  SELECT_RECORDING,
  recordingFromRow,
  recordingValues,
  type RecordingRow,
} from '../recordingRows.js';
import type { RecordingRecord, RecordingRepository } from '../repositories.js';

const flag = (b: boolean) => (b ? 1 : 0);

/** Recorded lectures' records in SQLite. */
export class SqliteRecordingRepository implements RecordingRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  add(recording: RecordingRecord): void {
    const { columns, values } = recordingValues(recording, flag);
    this.#db
      .prepare(
        `INSERT INTO recordings (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      )
      .run(...values);
  }

  get(id: string): RecordingRecord | undefined {
    const row = this.#db.prepare(`${SELECT_RECORDING} WHERE id = ?`).get(id) as
      RecordingRow | undefined;
    return row && recordingFromRow(row);
  }

  update(id: string, patch: Partial<Omit<RecordingRecord, 'id'>>): void {
    const { columns, values } = recordingValues(patch, flag, false);
    if (columns.length === 0) return;
    this.#db
      .prepare(`UPDATE recordings SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`)
      .run(...values, id);
  }

  forClass(classId: string): RecordingRecord[] {
    return this.#list('WHERE class_id = ?', classId);
  }

  forRoom(room: string): RecordingRecord[] {
    return this.#list('WHERE room = ?', room);
  }

  all(schoolId?: string): RecordingRecord[] {
    return schoolId === undefined ? this.#list('') : this.#list('WHERE school_id = ?', schoolId);
  }

  expired(now: number): RecordingRecord[] {
    return this.#list('WHERE expires_at > 0 AND expires_at <= ?', now);
  }

  unfinished(): RecordingRecord[] {
    return this.#list("WHERE status IN ('recording', 'stopped', 'publishing')");
  }

  remove(id: string): void {
    this.#db.prepare('DELETE FROM recordings WHERE id = ?').run(id);
  }

  /** Newest first. */
  #list(where: string, ...params: (string | number)[]): RecordingRecord[] {
    const rows = this.#db
      .prepare(`${SELECT_RECORDING} ${where} ORDER BY started_at DESC, id`)
      .all(...params) as RecordingRow[];
    return rows.map(recordingFromRow);
  }
}
