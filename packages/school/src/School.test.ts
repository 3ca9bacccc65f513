import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, toCosmoError } from '@cosmo/core';
import { ContentStore } from './ContentStore.js';
import { PostgresContentStore } from './postgres/PostgresContentStore.js';
import { PostgresDatabase } from './postgres/PostgresDatabase.js';
import { rosterCsv, SCHOOL_STORES, tempSchool } from './testing.js';
import type { HandoutContentStore, Receipts } from './repositories.js';

/** A small PDF whose bytes include a zero and a backslash (bytea's text escapes). */
function pdf(tail: string): Buffer {
  return Buffer.concat([
    Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n'),
    Buffer.from([0, 0x5c, 0x78, 0xff, 0x27, 0]),
    Buffer.from(`\n%${tail}\n%%EOF\n`),
  ]);
}

describe.each(SCHOOL_STORES)('school rules (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  function setup() {
    t = tempSchool({ reminderIntervalMs: 10 * 60_000, reminderLimit: 2, store });
    t.school.importRosterCsv(rosterCsv(4));
    return t.school;
  }

  it('only a teacher of the class decides leave, once, and the student is notified', () => {
    const school = setup();
    const delivered: [string, string][] = [];
    school.on('deliver', (person, notice) => delivered.push([person, notice.title]));
    const r = school.requestLeave('s1', {
      classId: '2B',
      fromDate: '2026-04-10',
      toDate: '2026-04-11',
      reason: 'family',
    });
    expect(() => school.decideLeave('ito', r.id, true, '')).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED' }),
    );
    expect(() => school.decideLeave('s2', r.id, true, '')).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED' }),
    );
    expect(() => school.decideLeave('kato', r.id, true, '')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(school.repos.leave.get(r.id)?.status).toBe('pending');
    expect(school.decideLeave('tanaka', r.id, true, 'ok').status).toBe('approved');
    expect(() => school.decideLeave('tanaka', r.id, false, '')).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
    expect(delivered).toEqual([['s1', 'Leave approved: 2026-04-10–2026-04-11 (Physics 2B)']]);
  });

  it('refuses bad leave requests with clear errors', () => {
    const school = setup();
    const base = { classId: '2B', fromDate: '2026-04-10', toDate: '2026-04-11', reason: 'x' };
    expect(() => school.requestLeave('s1', { ...base, fromDate: '10/04/2026' })).toThrow(
      'dates must be YYYY-MM-DD',
    );
    expect(() => school.requestLeave('s1', { ...base, fromDate: '2026-02-31' })).toThrow(
      'dates must be YYYY-MM-DD',
    );
    expect(() => school.requestLeave('s1', { ...base, toDate: '2026-04-09' })).toThrow(
      'the leave must end on or after its first day',
    );
    expect(() => school.requestLeave('s1', { ...base, reason: '  ' })).toThrow(
      'a reason of 1 to 1000 characters is required',
    );
    expect(() => school.requestLeave('s1', { ...base, classId: '3A' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => school.requestLeave('nobody', base)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(school.repos.leave.forClass('2B')).toEqual([]);
  });

  it('notices: class teachers notify their class, admins the school, nobody another school', () => {
    const school = setup();
    expect(
      school.sendNotice({
        senderId: 'tanaka',
        audience: 'class:2B',
        title: 'Quiz',
        body: 'Friday',
        urgent: false,
      }).recipients,
    ).toBe(5);
    expect(
      school.sendNotice({
        senderId: 'principal',
        audience: 'school:tokyo',
        title: 'Storm',
        body: 'Closed',
        urgent: true,
      }).recipients,
    ).toBe(6);
    const refused = [
      [{ senderId: 'ito', audience: 'class:2B' }, 'PERMISSION_DENIED'],
      [{ senderId: 's1', audience: 'class:2B' }, 'PERMISSION_DENIED'],
      [{ senderId: 'tanaka', audience: 'school:tokyo' }, 'PERMISSION_DENIED'],
      [{ senderId: 'tanaka', audience: 'class:9Z' }, 'NOT_FOUND'],
      [{ senderId: 'principal', audience: 'school:osaka' }, 'NOT_FOUND'],
      [{ senderId: 'forged', audience: 'class:2B' }, 'NOT_FOUND'],
      [{ senderId: 'tanaka', audience: 'everyone' }, 'INVALID_ARGUMENT'],
    ] as const;
    for (const [who, code] of refused) {
      expect(
        () => school.sendNotice({ ...who, title: 't', body: 'b', urgent: false }),
        `${who.senderId} → ${who.audience}`,
      ).toThrow(expect.objectContaining({ code }));
    }
    expect(school.repos.notices.undelivered('s1')).toHaveLength(2);
  });

  it('a notice title is one line, and a body keeps its line breaks but no other control characters', () => {
    const school = setup();
    const { notice } = school.sendNotice({
      senderId: 'tanaka',
      audience: 'class:2B',
      title: 'Quiz\r\nBcc: someone@example.com',
      body: 'Friday\nroom 3\u0000\u001b[31m',
      urgent: false,
    });
    expect(notice.title).toBe('Quiz Bcc: someone@example.com');
    expect(notice.body).toBe('Friday\nroom 3[31m');
  });

  it('a retried send with the same idempotency key is one notice', () => {
    const school = setup();
    const send = () =>
      school.sendNotice({
        senderId: 'tanaka',
        audience: 'class:2B',
        title: 'Quiz',
        body: '',
        urgent: false,
        idempotencyKey: 'k1',
      });
    const a = send();
    const b = send();
    expect(b.notice.id).toBe(a.notice.id);
    expect(school.repos.notices.undelivered('s1')).toHaveLength(1);
  });

  it('receipts add up, and reminders go only to unread recipients, at most the limit', async () => {
    const school = setup();
    const reminders: string[] = [];
    school.on('deliver', (person, _n, reminder) => reminder && reminders.push(person));
    const { notice } = school.sendNotice({
      senderId: 'tanaka',
      audience: 'class:2B',
      title: 'Quiz',
      body: '',
      urgent: false,
    });
    const summaries: Receipts[] = [];
    school.on('receipts', (_n, r) => summaries.push(r));
    // Receipts that arrive together are committed together: each gets the totals after the
    // commit, the sender one summary, and a stranger's receipt fails alone.
    const together = await Promise.allSettled([
      school.receipt('s1', notice.id, 'delivered'),
      school.receipt('s2', notice.id, 'read'),
      school.receipt('ito', notice.id, 'read'),
      school.receipt('s2', notice.id, 'read'),
    ]);
    const totals = { recipients: 5, delivered: 2, read: 1 };
    expect(together.map((r) => (r.status === 'fulfilled' ? r.value : r.reason.code))).toEqual([
      totals,
      totals,
      'NOT_FOUND',
      totals,
    ]);
    expect(summaries).toEqual([totals]);
    await expect(school.receipt('s1', notice.id, 'delivered')).resolves.toEqual(totals);
    expect(summaries).toHaveLength(1);
    const online = () => true;
    expect(school.sendDueReminders(online)).toBe(0);
    t!.clock.now += 11 * 60_000;
    school.sendDueReminders(online);
    expect(reminders.sort()).toEqual(['principal', 's1', 's3', 's4']);
    t!.clock.now += 11 * 60_000;
    await school.receipt('s3', notice.id, 'read');
    school.sendDueReminders(online);
    t!.clock.now += 11 * 60_000;
    expect(school.sendDueReminders(online)).toBe(0);
    expect(reminders.filter((p) => p === 's1')).toHaveLength(2);
    expect(reminders.filter((p) => p === 's3')).toHaveLength(1);
    expect(school.receiptsOf(notice.id, 'tanaka')).toEqual({
      recipients: 5,
      delivered: 3,
      read: 2,
    });
    expect(() => school.receiptsOf(notice.id, 's1')).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED' }),
    );
  });

  it('a handout added through one server opens through another, and a file is stored once', async () => {
    const school = setup();
    const file = (name: string, bytes: Buffer) => {
      const path = join(t!.dir, name);
      writeFileSync(path, bytes);
      return path;
    };
    const notes = pdf('notes');
    const path = file('notes.pdf', notes);
    // The same file uploaded twice at once (a double click, or two nodes): one stored copy.
    const [a, b] = await Promise.all([
      school.addHandout('tanaka', '2B', 'notes.pdf', path),
      school.addHandout('tanaka', '2B', 'notes copy.pdf', path),
    ]);
    expect(b.sha256).toBe(a.sha256);
    const other = t!.otherNode();
    expect((await other.openHandout(a.id, 's1')).bytes).toEqual(notes);
    expect((await other.openHandout(b.id, 's2')).bytes).toEqual(notes);
    // Both servers at once, in a cluster (with SQLite, the one server twice).
    const quiz = pdf('quiz');
    const quizPath = file('quiz.pdf', quiz);
    const [c, d] = await Promise.all([
      t!.school.addHandout('tanaka', '2B', 'quiz.pdf', quizPath),
      other.addHandout('tanaka', '2B', 'quiz.pdf', quizPath),
    ]);
    expect(d.sha256).toBe(c.sha256);
    expect((await t!.school.openHandout(d.id, 's3')).bytes).toEqual(quiz);
    expect(storedAddresses().sort()).toEqual([a.sha256, c.sha256].sort());

    // Content lost under a listed handout is the server's fault: INTERNAL to the user (as it
    // always was with the folder), a clear ENOENT in the log, and the same with both stores.
    removeStored(a.sha256);
    const lost = await other.openHandout(a.id, 's1').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(lost).toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/^ENOENT: /) });
    expect(toCosmoError(lost).code).toBe(ErrorCode.INTERNAL);
    expect(other.repos.handouts.downloads(a.id)).toEqual([{ personId: 's1', count: 1 }]);
    withContentStore((store) => {
      expect(() => store.get('../../etc/passwd')).toThrow(TypeError);
      expect(() => store.get(a.sha256.toUpperCase())).toThrow('not a content address');
    });
  });

  /** The content store's addresses, read from where it keeps them. */
  function storedAddresses(): string[] {
    const url = t!.postgresUrl;
    if (!url)
      return readdirSync(join(t!.dir, 'handouts'), { recursive: true, encoding: 'utf8' })
        .map((p) => p.split(/[\\/]/).pop()!)
        .filter((name) => /^[0-9a-f]{64}$/.test(name));
    return withDatabase(url, (db) =>
      db
        .query<{ sha256: string; size: number }>('SELECT sha256, size FROM handout_content')
        .map((r) => r.sha256),
    );
  }

  function removeStored(sha256: string): void {
    const url = t!.postgresUrl;
    if (!url) rmSync(join(t!.dir, 'handouts', sha256.slice(0, 2), sha256));
    else
      withDatabase(url, (db) =>
        db.query('DELETE FROM handout_content WHERE sha256 = $1', [sha256]),
      );
  }

  /** Runs `fn` with the test school's content store, as the server opens it. */
  function withContentStore(fn: (store: HandoutContentStore) => void): void {
    const url = t!.postgresUrl;
    if (!url) fn(new ContentStore(join(t!.dir, 'handouts')));
    else withDatabase(url, (db) => fn(new PostgresContentStore(db)));
  }
});

function withDatabase<T>(url: string, fn: (db: PostgresDatabase) => T): T {
  const db = new PostgresDatabase(url);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
