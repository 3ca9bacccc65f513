import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDatabase } from './postgres/PostgresDatabase.js';
import type { PollQuestionRecord, PollRecord } from './repositories.js';
import { rosterCsv, SCHOOL_STORES, tempSchool } from './testing.js';

const T0 = Date.UTC(2026, 3, 10, 9, 0, 0);

function question(over: Partial<PollQuestionRecord>): PollQuestionRecord {
  return {
    question: 'Which?',
    kind: 'single',
    options: ['A', 'B', 'C'],
    anonymous: false,
    correct: [],
    accepted: [],
    ...over,
  };
}

function poll(id: string, q: PollQuestionRecord, startedAt = T0): PollRecord {
  return { id, room: 'L1', question: q, startedAt, closedAt: null, resultsShown: false };
}

describe.each(SCHOOL_STORES)('poll records (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  function setup() {
    t = tempSchool({ store });
    t.school.importRosterCsv(rosterCsv(4));
    t.school.addLecture({
      id: 'L1',
      classId: '2B',
      title: 'Optics',
      startsAt: T0,
      endsAt: T0 + 3_600_000,
    });
    return t.school;
  }

  /** Every row of a table, read straight from the database. */
  function rows(table: string): Record<string, unknown>[] {
    if (store === 'postgres') {
      const db = new PostgresDatabase(t!.postgresUrl!);
      try {
        return db.query(`SELECT * FROM ${table}`);
      } finally {
        db.close();
      }
    }
    const db = new Database(join(t!.dir, 'cosmo.db'), { readonly: true });
    try {
      return db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }

  /** The columns of a table. */
  function columns(table: string): string[] {
    if (store === 'postgres') {
      const db = new PostgresDatabase(t!.postgresUrl!);
      try {
        return db
          .query<{ column_name: string }>(
            `SELECT column_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
            [table],
          )
          .map((c) => c.column_name);
      } finally {
        db.close();
      }
    }
    const db = new Database(join(t!.dir, 'cosmo.db'), { readonly: true });
    try {
      return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
        (c) => c.name,
      );
    } finally {
      db.close();
    }
  }

  it('an anonymous poll keeps who answered apart from what was answered', () => {
    const school = setup();
    const polls = school.repos.polls;
    polls.create(poll('anon', question({ anonymous: true, kind: 'multiple' })));
    polls.create(poll('anon-text', question({ anonymous: true, kind: 'text', options: [] })));
    expect(polls.countAnonymous('anon', 's1', [0, 2], '')).toBe(true);
    expect(polls.countAnonymous('anon', 's2', [2], '')).toBe(true);
    expect(polls.countAnonymous('anon', 's3', [1], '')).toBe(true);
    // A second answer changes nothing.
    expect(polls.countAnonymous('anon', 's1', [1], '')).toBe(false);
    expect(polls.countAnonymous('anon-text', 's1', [], 'Kyoto')).toBe(true);
    expect(polls.countAnonymous('anon-text', 's2', [], 'Nara')).toBe(true);

    const totals = polls.anonymousTotals('anon');
    expect(totals.voters).toEqual(['s1', 's2', 's3']);
    expect([...totals.counts]).toEqual([
      [0, 1],
      [1, 1],
      [2, 2],
    ]);
    expect(polls.anonymousTotals('anon-text').texts).toEqual([
      { text: 'Kyoto', count: 1 },
      { text: 'Nara', count: 1 },
    ]);

    // Straight from the tables: the only place a person appears is the voters list, which has
    // nothing but the poll and the person; the totals have no person, time or order.
    expect(columns('poll_voters')).toEqual(['poll_id', 'person_id']);
    expect(columns('poll_tallies')).toEqual(['poll_id', 'option', 'count']);
    expect(columns('poll_texts')).toEqual(['poll_id', 'text', 'count']);
    expect(rows('poll_answers')).toEqual([]);
    const people = ['s1', 's2', 's3'];
    for (const table of ['polls', 'poll_tallies', 'poll_texts', 'poll_answers', 'prepared_polls'])
      for (const row of rows(table))
        for (const value of Object.values(row))
          expect(
            people.some((p) => String(value).includes(p)),
            `${table} names a person`,
          ).toBe(false);
    expect(
      rows('poll_voters')
        .map((r) => `${String(r['poll_id'])}:${String(r['person_id'])}`)
        .sort(),
    ).toEqual(['anon-text:s1', 'anon-text:s2', 'anon:s1', 'anon:s2', 'anon:s3']);
  });

  it('a named poll keeps who answered what, a second answer replacing the first', () => {
    const school = setup();
    const polls = school.repos.polls;
    polls.create(poll('named', question({})));
    polls.saveAnswer({
      pollId: 'named',
      personId: 's1',
      name: 'Student 1',
      choices: [0],
      text: '',
      answeredAt: T0 + 1,
    });
    polls.saveAnswer({
      pollId: 'named',
      personId: 's1',
      name: 'Student 1',
      choices: [2],
      text: '',
      answeredAt: T0 + 2,
    });
    polls.saveAnswer({
      pollId: 'named',
      personId: 's2',
      name: 'Student 2',
      choices: [1],
      text: '',
      answeredAt: T0 + 3,
    });
    expect(polls.answers('named').map((a) => [a.personId, a.choices])).toEqual([
      ['s1', [2]],
      ['s2', [1]],
    ]);
    expect(rows('poll_answers').map((r) => [r['person_id'], r['choices']])).toEqual(
      expect.arrayContaining([
        ['s1', '[2]'],
        ['s2', '[1]'],
      ]),
    );
    expect(rows('poll_voters')).toEqual([]);
    // Closed and shown outlive a reopen (a restart).
    polls.setClosed('named', T0 + 60_000);
    polls.setResultsShown('named', true);
    const again = t!.reopen().repos.polls;
    expect(again.forRoom('L1')).toEqual([
      { ...poll('named', question({})), closedAt: T0 + 60_000, resultsShown: true },
    ]);
  });

  it('keeps prepared questions per class', () => {
    const polls = setup().repos.polls;
    polls.savePrepared({ id: 'p1', classId: '2B', question: question({}), updatedAt: T0 });
    polls.savePrepared({
      id: 'p2',
      classId: '3A',
      question: question({ question: 'Other' }),
      updatedAt: T0,
    });
    polls.savePrepared({
      id: 'p1',
      classId: '2B',
      question: question({ question: 'Edited' }),
      updatedAt: T0 + 1,
    });
    expect(polls.prepared('2B').map((p) => [p.id, p.question.question])).toEqual([
      ['p1', 'Edited'],
    ]);
    expect(polls.removePrepared('2B', 'p2')).toBe(false);
    expect(polls.removePrepared('3A', 'p2')).toBe(true);
    expect(polls.prepared('3A')).toEqual([]);
  });

  it('exports a lecture’s results as CSV, exactly', () => {
    const school = setup();
    const polls = school.repos.polls;
    polls.create(
      poll(
        'q1',
        question({ question: 'Speed of light?', options: ['3e5 km/s', '300 km/s'], correct: [0] }),
        T0,
      ),
    );
    polls.saveAnswer({
      pollId: 'q1',
      personId: 's2',
      name: 'Student 2',
      choices: [1],
      text: '',
      answeredAt: T0 + 1,
    });
    polls.saveAnswer({
      pollId: 'q1',
      personId: 's1',
      name: 'Student 1',
      choices: [0],
      text: '',
      answeredAt: T0 + 2,
    });
    polls.create(
      poll(
        'q2',
        question({ question: 'Which topics?', kind: 'multiple', anonymous: true }),
        T0 + 60_000,
      ),
    );
    polls.countAnonymous('q2', 's1', [0, 2], '');
    polls.countAnonymous('q2', 's2', [2], '');
    polls.create(
      poll(
        'q3',
        question({ question: 'One word', kind: 'text', options: [], anonymous: true }),
        T0 + 120_000,
      ),
    );
    polls.countAnonymous('q3', 's1', [], 'prism');
    polls.countAnonymous('q3', 's2', [], '=SUM(A1)');
    polls.countAnonymous('q3', 's3', [], 'prism');
    polls.create(
      poll(
        'q4',
        question({ question: 'Capital?', kind: 'text', options: [], accepted: ['Tokyo'] }),
        T0 + 180_000,
      ),
    );
    polls.saveAnswer({
      pollId: 'q4',
      personId: 's1',
      name: 'Student 1',
      choices: [],
      text: 'tokyo',
      answeredAt: T0,
    });
    polls.saveAnswer({
      pollId: 'q4',
      personId: 's2',
      name: 'Student 2',
      choices: [],
      text: 'Kyoto',
      answeredAt: T0,
    });

    expect(school.pollResultsCsv('L1')).toBe(
      [
        'poll_id,started_at,question,kind,anonymous,quiz,row,option,answer,count,person_id,name,correct',
        'q1,2026-04-10T09:00:00.000Z,Speed of light?,single,no,yes,total,1,3e5 km/s,1,,,yes',
        'q1,2026-04-10T09:00:00.000Z,Speed of light?,single,no,yes,total,2,300 km/s,1,,,no',
        'q1,2026-04-10T09:00:00.000Z,Speed of light?,single,no,yes,answer,1,3e5 km/s,,s1,Student 1,yes',
        'q1,2026-04-10T09:00:00.000Z,Speed of light?,single,no,yes,answer,2,300 km/s,,s2,Student 2,no',
        'q2,2026-04-10T09:01:00.000Z,Which topics?,multiple,yes,no,total,1,A,1,,,',
        'q2,2026-04-10T09:01:00.000Z,Which topics?,multiple,yes,no,total,2,B,0,,,',
        'q2,2026-04-10T09:01:00.000Z,Which topics?,multiple,yes,no,total,3,C,2,,,',
        'q3,2026-04-10T09:02:00.000Z,One word,text,yes,no,total,,prism,2,,,',
        "q3,2026-04-10T09:02:00.000Z,One word,text,yes,no,total,,'=SUM(A1),1,,,",
        'q4,2026-04-10T09:03:00.000Z,Capital?,text,no,yes,total,,Kyoto,1,,,no',
        'q4,2026-04-10T09:03:00.000Z,Capital?,text,no,yes,total,,tokyo,1,,,yes',
        'q4,2026-04-10T09:03:00.000Z,Capital?,text,no,yes,answer,,tokyo,,s1,Student 1,yes',
        'q4,2026-04-10T09:03:00.000Z,Capital?,text,no,yes,answer,,Kyoto,,s2,Student 2,no',
        '',
      ].join('\n'),
    );
    // Another school's lecture, or no lecture at all: NOT_FOUND.
    expect(() => school.pollResultsCsv('L1', 'osaka')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => school.pollResultsCsv('nowhere')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
