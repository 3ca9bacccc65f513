import type { Db } from '../SchoolDatabase.js';
import type { TranscriptLine, TranscriptRepository } from '../repositories.js';

/** Transcripts in SQLite. */
export class SqliteTranscriptRepository implements TranscriptRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  append(l: TranscriptLine): void {
    this.#db
      .prepare(
        'INSERT INTO transcript_lines (room, sequence, speaker, language, text, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        l.room,
        l.sequence,
        l.speaker,
        l.language,
        l.text,
        Math.round(l.startMs),
        Math.round(l.endMs),
      );
  }

  lines(room: string, language: string): TranscriptLine[] {
    return this.#db
      .prepare(
        `SELECT room, sequence, speaker, language, text, start_ms AS startMs, end_ms AS endMs
         FROM transcript_lines WHERE room = ? AND language = ? ORDER BY sequence, id`,
      )
      .all(room, language) as TranscriptLine[];
  }
}
