import { afterEach, describe, expect, it } from 'vitest';
import { rosterCsv, SCHOOL_STORES, tempSchool } from './testing.js';
import type { Receipts } from './repositories.js';

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
});
