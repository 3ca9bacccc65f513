import type { TranscriptLine, TranscriptRepository } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

type Row = Omit<TranscriptLine, 'uncertain'> & { uncertain: boolean };

/** Transcripts in PostgreSQL. */
export class PostgresTranscriptRepository implements TranscriptRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  append(l: TranscriptLine): void {
    this.#db.query(
      'INSERT INTO transcript_lines (room, sequence, speaker, language, text, start_ms, end_ms, uncertain) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        l.room,
        l.sequence,
        l.speaker,
        l.language,
        l.text,
        Math.round(l.startMs),
        Math.round(l.endMs),
        !!l.uncertain,
      ],
    );
  }

  lines(room: string, language: string): TranscriptLine[] {
    const rows = this.#db.query<Row>(
      `SELECT room, sequence, speaker, language, text, start_ms AS "startMs", end_ms AS "endMs", uncertain
       FROM transcript_lines WHERE room = $1 AND language = $2 ORDER BY sequence, id`,
      [room, language],
    );
    // A sure line comes back as it was appended, without the flag.
    return rows.map(({ uncertain, ...line }) => (uncertain ? { ...line, uncertain: true } : line));
  }
}
