import {
  SELECT_RECORDING,
  recordingFromRow,
  recordingValues,
  type RecordingRow,
} from '../recordingRows.js';
import type { RecordingRecord, RecordingRepository } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const flag = (b: boolean) => b;

/** Recorded lectures' records in PostgreSQL. */
export class PostgresRecordingRepository implements RecordingRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  add(recording: RecordingRecord): void {
    const { columns, values } = recordingValues(recording, flag);
    this.#db.query(
      `INSERT INTO recordings (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      values,
    );
  }

  get(id: string): RecordingRecord | undefined {
    const [row] = this.#db.query<RecordingRow>(`${SELECT_RECORDING} WHERE id = $1`, [id]);
    return row && recordingFromRow(row);
  }

  update(id: string, patch: Partial<Omit<RecordingRecord, 'id'>>): void {
    const { columns, values } = recordingValues(patch, flag, false);
    if (columns.length === 0) return;
    this.#db.query(
      `UPDATE recordings SET ${columns.map((c, i) => `${c} = $${i + 1}`).join(', ')}
       WHERE id = $${columns.length + 1}`,
      [...values, id],
    );
  }

  forClass(classId: string): RecordingRecord[] {
    return this.#list('WHERE class_id = $1', classId);
  }

  forRoom(room: string): RecordingRecord[] {
    return this.#list('WHERE room = $1', room);
  }

  all(schoolId?: string): RecordingRecord[] {
    return schoolId === undefined ? this.#list('') : this.#list('WHERE school_id = $1', schoolId);
  }

  expired(now: number): RecordingRecord[] {
    return this.#list('WHERE expires_at > 0 AND expires_at <= $1', now);
  }

  unfinished(): RecordingRecord[] {
    return this.#list("WHERE status IN ('recording', 'stopped', 'publishing')");
  }

  remove(id: string): void {
    this.#db.query('DELETE FROM recordings WHERE id = $1', [id]);
  }

  /** Newest first. */
  #list(where: string, ...params: (string | number)[]): RecordingRecord[] {
    return this.#db
      .query<RecordingRow>(
        `${SELECT_RECORDING} ${where} ORDER BY started_at DESC, id COLLATE "C"`,
        params,
      )
      .map(recordingFromRow);
  }
}
