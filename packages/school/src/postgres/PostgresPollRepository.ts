import { isQuiz, pollQuestionFromJson, pollQuestionToJson } from '../pollQuestionJson.js';
import type {
  AnonymousPollTotals,
  PollAnswerRecord,
  PollRecord,
  PollRepository,
  PreparedPollRecord,
} from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

interface PollRow {
  id: string;
  room: string;
  question: string;
  started_at: number;
  closed_at: number | null;
  results_shown: boolean;
}

const SELECT_POLL = 'SELECT id, room, question, started_at, closed_at, results_shown FROM polls';

function pollFromRow(row: PollRow): PollRecord {
  return {
    id: row.id,
    room: row.room,
    question: pollQuestionFromJson(row.question),
    startedAt: row.started_at,
    closedAt: row.closed_at,
    resultsShown: row.results_shown,
  };
}

/** Polls, their answers or anonymous totals, and prepared questions in PostgreSQL. */
export class PostgresPollRepository implements PollRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  create(poll: PollRecord): void {
    this.#db.query(
      `INSERT INTO polls (id, room, question, kind, anonymous, quiz, started_at, closed_at, results_shown)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        poll.id,
        poll.room,
        pollQuestionToJson(poll.question),
        poll.question.kind,
        poll.question.anonymous,
        isQuiz(poll.question),
        poll.startedAt,
        poll.closedAt,
        poll.resultsShown,
      ],
    );
  }

  get(id: string): PollRecord | undefined {
    const [row] = this.#db.query<PollRow>(`${SELECT_POLL} WHERE id = $1`, [id]);
    return row && pollFromRow(row);
  }

  forRoom(room: string): PollRecord[] {
    return this.#db
      .query<PollRow>(`${SELECT_POLL} WHERE room = $1 ORDER BY started_at, id`, [room])
      .map(pollFromRow);
  }

  setClosed(id: string, at: number): void {
    this.#db.query('UPDATE polls SET closed_at = $1 WHERE id = $2', [at, id]);
  }

  setResultsShown(id: string, shown: boolean): void {
    this.#db.query('UPDATE polls SET results_shown = $1 WHERE id = $2', [shown, id]);
  }

  saveAnswer(a: PollAnswerRecord): void {
    this.#db.query(
      `INSERT INTO poll_answers (poll_id, person_id, name, choices, text, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (poll_id, person_id) DO UPDATE SET name = excluded.name,
         choices = excluded.choices, text = excluded.text, answered_at = excluded.answered_at`,
      [a.pollId, a.personId, a.name, JSON.stringify(a.choices), a.text, a.answeredAt],
    );
  }

  answers(pollId: string): PollAnswerRecord[] {
    return this.#db
      .query<{
        person_id: string;
        name: string;
        choices: string;
        text: string;
        answered_at: number;
      }>(
        `SELECT person_id, name, choices, text, answered_at FROM poll_answers WHERE poll_id = $1
         ORDER BY person_id COLLATE "C"`,
        [pollId],
      )
      .map((r) => ({
        pollId,
        personId: r.person_id,
        name: r.name,
        choices: (JSON.parse(r.choices) as unknown[]).map(Number),
        text: r.text,
        answeredAt: r.answered_at,
      }));
  }

  countAnonymous(
    pollId: string,
    personId: string,
    choices: readonly number[],
    text: string,
  ): boolean {
    const db = this.#db;
    return db.transaction(() => {
      const voted = db.query(
        `INSERT INTO poll_voters (poll_id, person_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING person_id`,
        [pollId, personId],
      );
      if (voted.length === 0) return false;
      if (choices.length > 0) {
        db.query(
          `INSERT INTO poll_tallies (poll_id, option, count)
           SELECT $1, option, 1 FROM unnest($2::int[]) AS option
           ON CONFLICT (poll_id, option) DO UPDATE SET count = poll_tallies.count + 1`,
          [pollId, choices],
        );
      }
      if (text) {
        db.query(
          `INSERT INTO poll_texts (poll_id, text, count) VALUES ($1, $2, 1)
           ON CONFLICT (poll_id, text) DO UPDATE SET count = poll_texts.count + 1`,
          [pollId, text],
        );
      }
      return true;
    });
  }

  anonymousTotals(pollId: string): AnonymousPollTotals {
    const db = this.#db;
    const voters = db.query<{ person_id: string }>(
      'SELECT person_id FROM poll_voters WHERE poll_id = $1 ORDER BY person_id COLLATE "C"',
      [pollId],
    );
    const tallies = db.query<{ option: number; count: number }>(
      'SELECT option, count FROM poll_tallies WHERE poll_id = $1 ORDER BY option',
      [pollId],
    );
    const texts = db.query<{ text: string; count: number }>(
      'SELECT text, count FROM poll_texts WHERE poll_id = $1 ORDER BY text COLLATE "C"',
      [pollId],
    );
    return {
      voters: voters.map((v) => v.person_id),
      counts: new Map(tallies.map((t) => [t.option, t.count])),
      texts,
    };
  }

  prepared(classId: string): PreparedPollRecord[] {
    return this.#db
      .query<{ id: string; question: string; updated_at: number }>(
        `SELECT id, question, updated_at FROM prepared_polls WHERE class_id = $1
         ORDER BY updated_at, id`,
        [classId],
      )
      .map((r) => ({
        id: r.id,
        classId,
        question: pollQuestionFromJson(r.question),
        updatedAt: r.updated_at,
      }));
  }

  savePrepared(p: PreparedPollRecord): void {
    this.#db.query(
      `INSERT INTO prepared_polls (id, class_id, question, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET question = excluded.question, updated_at = excluded.updated_at`,
      [p.id, p.classId, pollQuestionToJson(p.question), p.updatedAt],
    );
  }

  removePrepared(classId: string, id: string): boolean {
    return (
      this.#db.query('DELETE FROM prepared_polls WHERE id = $1 AND class_id = $2 RETURNING id', [
        id,
        classId,
      ]).length > 0
    );
  }
}
