import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import type { TranscriptLine } from './repositories.js';
import { migrate } from './SchoolDatabase.js';
import { SqliteTranscriptRepository } from './sqlite/SqliteTranscriptRepository.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres/migrations.js';
import { PostgresDatabase } from './postgres/PostgresDatabase.js';
import { PostgresTranscriptRepository } from './postgres/PostgresTranscriptRepository.js';
import { SCHOOL_STORES, tempPostgresSchema, tempSchool } from './testing.js';
import { formatTranscript } from './transcript.js';

const lines: [TranscriptLine, TranscriptLine] = [
  {
    room: 'r',
    sequence: 1,
    speaker: 'tanaka',
    language: 'en',
    text: 'Today we study optics.',
    startMs: 1500,
    endMs: 3250,
  },
  {
    room: 'r',
    sequence: 2,
    speaker: 'tanaka',
    language: 'en',
    text: 'Light --> travels.',
    startMs: 3_723_004,
    endMs: 3_725_000,
  },
];

describe('transcript export', () => {
  it('writes WebVTT', () => {
    expect(formatTranscript(lines, 'vtt')).toBe(
      'WEBVTT\n\n1\n00:00:01.500 --> 00:00:03.250\nToday we study optics.\n\n2\n01:02:03.004 --> 01:02:05.000\nLight → travels.\n',
    );
  });

  it('writes SubRip', () => {
    expect(formatTranscript(lines, 'srt')).toBe(
      '1\n00:00:01,500 --> 00:00:03,250\nToday we study optics.\n\n2\n01:02:03,004 --> 01:02:05,000\nLight → travels.\n',
    );
  });

  it('writes plain text', () => {
    expect(formatTranscript(lines, 'txt')).toBe('Today we study optics.\nLight --> travels.\n');
    expect(formatTranscript([], 'txt')).toBe('');
  });

  const unsure = [
    lines[0],
    { ...lines[0], sequence: 2, text: 'The … bends <light> & …', uncertain: true },
  ];

  it('marks an uncertain line in WebVTT: "(?)" and italics, its text escaped', () => {
    expect(formatTranscript(unsure, 'vtt')).toBe(
      'WEBVTT\n\n1\n00:00:01.500 --> 00:00:03.250\nToday we study optics.\n\n2\n00:00:01.500 --> 00:00:03.250\n<i>(?) The … bends &lt;light> &amp; …</i>\n',
    );
  });

  it('marks an uncertain line in SubRip: "(?)" and italics', () => {
    expect(formatTranscript(unsure, 'srt')).toBe(
      '1\n00:00:01,500 --> 00:00:03,250\nToday we study optics.\n\n2\n00:00:01,500 --> 00:00:03,250\n<i>(?) The … bends <light> & …</i>\n',
    );
  });

  it('marks an uncertain line in plain text with "(?)"', () => {
    expect(formatTranscript(unsure, 'txt')).toBe(
      'Today we study optics.\n(?) The … bends <light> & …\n',
    );
  });
});

describe.each(SCHOOL_STORES)('transcript storage (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  it('keeps which lines were uncertain in the store, across a reopen', () => {
    t = tempSchool({ store });
    t.school.storeCaption(lines[0]);
    t.school.storeCaption({ ...lines[1], text: 'Light … prisms.', uncertain: true });
    t.school.storeCaption({
      ...lines[1],
      language: 'es',
      text: 'La luz … prismas.',
      uncertain: true,
    });
    const school = t.reopen();
    expect(school.repos.transcripts.lines('r', 'en')).toEqual([
      lines[0],
      { ...lines[1], text: 'Light … prisms.', uncertain: true },
    ]);
    expect(school.repos.transcripts.lines('r', 'en')[0]).not.toHaveProperty('uncertain');
    expect(school.transcript('r', 'es', 'txt')).toBe('(?) La luz … prismas.\n');
  });
});

describe('transcript lines stored before the uncertain flag existed', () => {
  it('read as sure from SQLite', () => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 5)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    db.exec(
      "INSERT INTO transcript_lines (room, sequence, speaker, language, text, start_ms, end_ms) VALUES ('r', 1, 'tanaka', 'en', 'Today we study optics.', 1500, 3250)",
    );
    expect(migrate(db)).toBe(MIGRATIONS.length - 5);
    expect(new SqliteTranscriptRepository(db).lines('r', 'en')).toEqual([lines[0]]);
    expect(new SqliteTranscriptRepository(db).lines('r', 'en')[0]).not.toHaveProperty('uncertain');
    db.close();
  });

  it('read as sure from PostgreSQL', () => {
    const schema = tempPostgresSchema();
    const db = new PostgresDatabase(schema.url);
    try {
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      for (const m of POSTGRES_MIGRATIONS.filter((m) => m.version <= 5)) {
        db.exec(m.sql);
        db.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
      }
      db.exec(
        "INSERT INTO transcript_lines (room, sequence, speaker, language, text, start_ms, end_ms) VALUES ('r', 1, 'tanaka', 'en', 'Today we study optics.', 1500, 3250)",
      );
      expect(migratePostgres(db)).toBe(POSTGRES_MIGRATIONS.length - 5);
      const read = new PostgresTranscriptRepository(db).lines('r', 'en');
      expect(read).toEqual([lines[0]]);
      expect(read[0]).not.toHaveProperty('uncertain');
    } finally {
      db.close();
      schema.drop();
    }
  });
});
