import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import { migrate } from './SchoolDatabase.js';
import { SqliteNoticeRepository } from './sqlite/SqliteNoticeRepository.js';

describe('school database migrations', () => {
  it('give notices stored before the receipt counters their true totals', () => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    db.exec(`
      INSERT INTO schools VALUES ('tokyo', 'Tokyo');
      INSERT INTO people VALUES ('t', 'tokyo', 'T', 'teacher'), ('a', 'tokyo', 'A', 'student'),
        ('b', 'tokyo', 'B', 'student'), ('c', 'tokyo', 'C', 'student');
      INSERT INTO notices (id, school_id, audience, sender_id, sender_name, title, body, urgent, sent_at)
        VALUES ('n1', 'tokyo', 'school:tokyo', 't', 'T', 'Drill', '', 1, 1);
      INSERT INTO notice_recipients (notice_id, person_id, delivered_at, read_at)
        VALUES ('n1', 'a', 5, 6), ('n1', 'b', 5, NULL), ('n1', 'c', NULL, NULL);
    `);
    expect(migrate(db)).toBe(MIGRATIONS.length - 3);
    const notices = new SqliteNoticeRepository(db);
    expect(notices.receipts('n1')).toEqual({ recipients: 3, delivered: 2, read: 1 });
    expect(
      notices.recordReceipts([
        { noticeId: 'n1', personId: 'c', kind: 'read', at: 9 },
        { noticeId: 'n1', personId: 'b', kind: 'delivered', at: 9 },
        { noticeId: 'n1', personId: 'x', kind: 'read', at: 9 },
      ]),
    ).toEqual(['changed', 'unchanged', 'unknown']);
    expect(notices.receipts('n1')).toEqual({ recipients: 3, delivered: 3, read: 2 });
    db.close();
  });
});
