import type { Db } from '../SchoolDatabase.js';
import { isQuiz, pollQuestionFromJson, pollQuestionToJson } from '../pollQuestionJson.js';
import type {
  AnonymousPollTotals,
  PollAnswerRecord,
  PollRecord,
  PollRepository,
  PreparedPollRecord,
} from '../repositories.js';

interface PollRow {
  id: string;
  room: string;
  question: string;
  started_at: number;
  closed_at: number | null;
  results_shown: number;
}

const SELECT_POLL = 'SELECT id, room, question, started_at, closed_at, results_shown FROM polls';

function pollFromRow(row: PollRow): PollRecord {
  return {
    id: row.id,
    room: row.room,
    question: pollQuestionFromJson(row.question),
    startedAt: row.started_at,
    closedAt: row.closed_at,
    resultsShown: row.results_shown === 1,
  };
}

/** Polls, their answers or anonymous totals, and prepared questions in SQLite. */
export class SqlitePollRepository implements PollRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  create(poll: PollRecord): void {
    this.#db
      .prepare(
        `INSERT INTO polls (id, room, question, kind, anonymous, quiz, started_at, closed_at, results_shown)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        poll.id,
        poll.room,
        pollQuestionToJson(poll.question),
        poll.question.kind,
        poll.question.anonymous ? 1 : 0,
        isQuiz(poll.question) ? 1 : 0,
        poll.startedAt,
        poll.closedAt,
        poll.resultsShown ? 1 : 0,
      );
  }

  get(id: string): PollRecord | undefined {
    const row = this.#db.prepare(`${SELECT_POLL} WHERE id = ?`).get(id) as PollRow | undefined;
    return row && pollFromRow(row);
  }

  forRoom(room: string): PollRecord[] {
    const rows = this.#db
      .prepare(`${SELECT_POLL} WHERE room = ? ORDER BY started_at, id`)
      .all(room) as PollRow[];
    return rows.map(pollFromRow);
  }

  setClosed(id: string, at: number): void {
    this.#db.prepare('UPDATE polls SET closed_at = ? WHERE id = ?').run(at, id);
  }

  setResultsShown(id: string, shown: boolean): void {
    this.#db.prepare('UPDATE polls SET results_shown = ? WHERE id = ?').run(shown ? 1 : 0, id);
  }

  saveAnswer(a: PollAnswerRecord): void {
    this.#db
      .prepare(
        `INSERT INTO poll_answers (poll_id, person_id, name, choices, text, answered_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (poll_id, person_id) DO UPDATE SET name = excluded.name,
           choices = excluded.choices, text = excluded.text, answered_at = excluded.answered_at`,
      )
      .run(a.pollId, a.personId, a.name, JSON.stringify(a.choices), a.text, a.answeredAt);
  }

  answers(pollId: string): PollAnswerRecord[] {
    const rows = this.#db
      .prepare(
        `SELECT person_id, name, choices, text, answered_at FROM poll_answers WHERE poll_id = ?
         ORDER BY person_id`,
      )
      .all(pollId) as {
      person_id: string;
      name: string;
      choices: string;
      text: string;
      answered_at: number;
    }[];
    return rows.map((r) => ({
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
      const voted = db
        .prepare('INSERT OR IGNORE INTO poll_voters (poll_id, person_id) VALUES (?, ?)')
        .run(pollId, personId);
      if (voted.changes === 0) return false;
      const tally = db.prepare(
        `INSERT INTO poll_tallies (poll_id, option, count) VALUES (?, ?, 1)
         ON CONFLICT (poll_id, option) DO UPDATE SET count = count + 1`,
      );
      for (const option of choices) tally.run(pollId, option);
      if (text) {
        db.prepare(
          `INSERT INTO poll_texts (poll_id, text, count) VALUES (?, ?, 1)
           ON CONFLICT (poll_id, text) DO UPDATE SET count = count + 1`,
        ).run(pollId, text);
      }
      return true;
    })();
  }

  anonymousTotals(pollId: string): AnonymousPollTotals {
    const db = this.#db;
    const voters = db
      .prepare('SELECT person_id FROM poll_voters WHERE poll_id = ? ORDER BY person_id')
      .all(pollId) as { person_id: string }[];
    const tallies = db
      .prepare('SELECT option, count FROM poll_tallies WHERE poll_id = ? ORDER BY option')
      .all(pollId) as { option: number; count: number }[];
    const texts = db
      .prepare('SELECT text, count FROM poll_texts WHERE poll_id = ? ORDER BY text')
      .all(pollId) as { text: string; count: number }[];
    return {
      voters: voters.map((v) => v.person_id),
      counts: new Map(tallies.map((t) => [t.option, t.count])),
      texts,
    };
  }

  prepared(classId: string): PreparedPollRecord[] {
    const rows = this.#db
      .prepare(
        'SELECT id, question, updated_at FROM prepared_polls WHERE class_id = ? ORDER BY updated_at, id',
      )
      .all(classId) as { id: string; question: string; updated_at: number }[];
    return rows.map((r) => ({
      id: r.id,
      classId,
      question: pollQuestionFromJson(r.question),
      updatedAt: r.updated_at,
    }));
  }

  savePrepared(p: PreparedPollRecord): void {
    this.#db
      .prepare(
        `INSERT INTO prepared_polls (id, class_id, question, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET question = excluded.question, updated_at = excluded.updated_at`,
      )
      .run(p.id, p.classId, pollQuestionToJson(p.question), p.updatedAt);
  }

  removePrepared(classId: string, id: string): boolean {
    return (
      this.#db.prepare('DELETE FROM prepared_polls WHERE id = ? AND class_id = ?').run(id, classId)
        .changes > 0
    );
  }
}
