import type { Db } from '../SchoolDatabase.js';
import type { TranscriptLine, TranscriptRepository } from '../repositories.js';

type Row = Omit<TranscriptLine, 'uncertain'> & { uncertain: 0 | 1 };

/** Transcripts in SQLite. */
export class SqliteTranscriptRepository implements TranscriptRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  append(l: TranscriptLine): void {
    this.#db
      .prepare(
        'INSERT INTO transcript_lines (room, sequence, speaker, language, text, start_ms, end_ms, uncertain) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        l.room,
        l.sequence,
        l.speaker,
        l.language,
        l.text,
        Math.round(l.startMs),
        Math.round(l.endMs),
        l.uncertain ? 1 : 0,
      );
  }

  lines(room: string, language: string): TranscriptLine[] {
    const rows = this.#db
      .prepare(
        `SELECT room, sequence, speaker, language, text, start_ms AS startMs, end_ms AS endMs, uncertain
         FROM transcript_lines WHERE room = ? AND language = ? ORDER BY sequence, id`,
      )
      .all(room, language) as Row[];
    // A sure line comes back as it was appended, without the flag.
    return rows.map(({ uncertain, ...line }) => (uncertain ? { ...line, uncertain: true } : line));
  }
}
