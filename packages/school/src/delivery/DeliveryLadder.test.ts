import { afterEach, describe, expect, it } from 'vitest';
import type { PushSubscriptionRecord } from '../repositories.js';
import { SCHOOL_STORES, tempSchool } from '../testing.js';
import type {
  EmailChannel,
  EmailMessage,
  PushChannel,
  PushMessage,
  PushOutcome,
} from './channels.js';
import { pushTopic } from './messages.js';

async function waitFor(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// The push service and the mail server are outside the machine: stand-ins record what was sent.
class FakePush implements PushChannel {
  readonly publicKey = 'test-key';
  readonly sent: { device: string; message: PushMessage }[] = [];
  answer: (device: string) => PushOutcome = () => ({ ok: true });
  async send(sub: PushSubscriptionRecord, message: PushMessage): Promise<PushOutcome> {
    const outcome = this.answer(sub.device);
    if (outcome.ok) this.sent.push({ device: sub.device, message });
    return outcome;
  }
}

class FakeMail implements EmailChannel {
  readonly sent: EmailMessage[] = [];
  async send(m: EmailMessage) {
    this.sent.push(m);
    return { ok: true as const };
  }
  close() {}
}

const KEYS = {
  p256dh: Buffer.alloc(65, 4).toString('base64url'),
  auth: Buffer.alloc(16, 1).toString('base64url'),
};

const ROSTER = [
  'school_id,school_name,class_id,class_name,person_id,person_name,role,email,guardian_email,notify_email',
  'tokyo,Tokyo,2B,Physics 2B,tanaka,Tanaka Yui,teacher,,,',
  // s1: a phone and a guardian; s2: only email; s3: connected; s4: opted out of email.
  'tokyo,Tokyo,2B,Physics 2B,s1,Aiko,student,,mum@home.example,all',
  'tokyo,Tokyo,2B,Physics 2B,s2,Ben,student,ben@students.example,,fallback',
  'tokyo,Tokyo,2B,Physics 2B,s3,Chie,student,chie@students.example,,all',
  'tokyo,Tokyo,2B,Physics 2B,s4,Dai,student,dai@students.example,,none',
].join('\n');

describe.each(SCHOOL_STORES)('the delivery ladder (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  function setup(online: string[] = []) {
    t = tempSchool({
      emailDelayMs: 60_000,
      pushGraceMs: 30_000,
      reminderIntervalMs: 600_000,
      store,
    });
    expect(t.school.importRosterCsv(ROSTER)).toMatchObject({ ok: true });
    const push = new FakePush();
    const mail = new FakeMail();
    t.school.startReminders((id) => online.includes(id), 3_600_000);
    const ladder = t.school.startDelivery({
      push,
      email: mail,
      pollMs: 3_600_000,
      link: async (n, person) => ({
        url: `https://c.example/?notice=${n.id}&r=${person}`,
        token: `tok-${person}`,
      }),
    });
    return { school: t.school, clock: t.clock, push, mail, ladder };
  }

  it('pushes an urgent notice to who is not connected, and emails who has not read it after its delay', async () => {
    const { school, clock, push, mail, ladder } = setup(['s3']);
    school.subscribePush('s1', {
      endpoint: 'https://fcm.googleapis.com/a',
      ...KEYS,
      device: 'phone',
    });
    school.subscribePush('s3', {
      endpoint: 'https://fcm.googleapis.com/c',
      ...KEYS,
      device: 'laptop',
    });
    const { notice } = school.sendNotice({
      senderId: 'tanaka',
      audience: 'class:2B',
      title: 'Fire drill',
      body: 'At 10:30.',
      urgent: true,
    });
    await waitFor('the push to s1', () => push.sent.length === 1);
    expect(push.sent[0]).toMatchObject({
      device: 'phone',
      message: { urgency: 'high', topic: pushTopic(notice.id), ttlSeconds: 86_400 },
    });
    expect(JSON.parse(push.sent[0]!.message.payload)).toMatchObject({
      id: notice.id,
      title: 'Fire drill',
      receipt: 'tok-s1',
      reminder: false,
    });
    // s3's page acknowledges within the grace: no push for s3.
    await school.receipt('s3', notice.id, 'delivered');
    clock.now += 30_000;
    ladder.kick();
    await waitFor('the ladder to idle', () => ladder.inFlight === 0);
    expect(push.sent).toHaveLength(1);
    expect(mail.sent).toHaveLength(0);

    // s3 reads it; a minute on, the others are emailed: s1's guardian and s2, not s4 (opted out).
    await school.receipt('s3', notice.id, 'read');
    clock.now += 30_000;
    ladder.kick();
    await waitFor('two emails', () => mail.sent.length === 2);
    await waitFor('the ladder to idle', () => ladder.inFlight === 0);
    expect(mail.sent.map((m) => m.to).sort()).toEqual([
      ['ben@students.example'],
      ['mum@home.example'],
    ]);
    expect(mail.sent[0]!.text).toContain(`https://c.example/?notice=${notice.id}`);
    const byPerson = Object.fromEntries(
      school.deliveryReport(notice.id, 'tanaka').recipients.map((r) => [r.personId, r]),
    );
    expect(byPerson['s1']).toMatchObject({
      pushedAt: expect.any(Number),
      emailedAt: expect.any(Number),
    });
    expect(byPerson['s3']).toMatchObject({ deliveredVia: 'live', pushedAt: null, emailedAt: null });
    expect(byPerson['s4']).toMatchObject({ pushedAt: null, emailedAt: null, queued: 0 });
    expect(school.deliveryReport(notice.id, 'tanaka').summary).toMatchObject({
      recipients: 4,
      live: 1,
      pushed: 1,
      emailed: 2,
      read: 1,
      unreached: 1,
    });
  });

  it('forgets a device its push service no longer knows, and tries a failing one again later', async () => {
    const { school, clock, push, ladder } = setup();
    school.subscribePush('s1', {
      endpoint: 'https://fcm.googleapis.com/old',
      ...KEYS,
      device: 'old',
    });
    school.subscribePush('s1', {
      endpoint: 'https://fcm.googleapis.com/new',
      ...KEYS,
      device: 'new',
    });
    push.answer = (d) =>
      d === 'old'
        ? { ok: false, gone: true, retry: false, detail: '410' }
        : { ok: false, gone: false, retry: true, detail: '503' };
    const { notice } = school.sendNotice({
      senderId: 'tanaka',
      audience: 'class:2B',
      title: 'Storm',
      body: '',
      urgent: true,
      emailAfterMs: null,
    });
    await waitFor('the first try', () =>
      school.repos.deliveries
        .forNotice(notice.id)
        .some((d) => d.attempts === 1 && d.state === 'queued'),
    );
    expect(school.repos.pushSubscriptions.forPerson('s1').map((s) => s.device)).toEqual(['new']);
    push.answer = () => ({ ok: true });
    clock.now += 5_000;
    ladder.kick();
    await waitFor('the retry', () => push.sent.length === 1);
    await waitFor('the ladder to idle', () => ladder.inFlight === 0);
    expect(school.repos.deliveries.forNotice(notice.id)).toEqual([
      expect.objectContaining({ personId: 's1', channel: 'push', state: 'sent', attempts: 2 }),
    ]);
  });

  it('reminds an unread recipient on the same ladder', async () => {
    const { school, clock, push, mail, ladder } = setup();
    school.subscribePush('s1', {
      endpoint: 'https://fcm.googleapis.com/a',
      ...KEYS,
      device: 'phone',
    });
    const { notice } = school.sendNotice({
      senderId: 'tanaka',
      audience: 'class:2B',
      title: 'Storm',
      body: '',
      urgent: true,
      emailAfterMs: null,
    });
    await waitFor('the push', () => push.sent.length === 1);
    await school.receipt('s1', notice.id, 'delivered', 'push');
    clock.now += 600_000;
    expect(school.sendDueReminders(() => false)).toBe(1);
    await waitFor('the reminder push', () => push.sent.length === 2);
    await waitFor('the ladder to idle', () => ladder.inFlight === 0);
    expect(JSON.parse(push.sent[1]!.message.payload)).toMatchObject({
      id: notice.id,
      reminder: true,
    });
    expect(push.sent[1]!.message.topic).toBe(push.sent[0]!.message.topic);
    expect(mail.sent).toEqual([]);
    // Read: no more reminders.
    await school.receipt('s1', notice.id, 'read');
    clock.now += 600_000;
    expect(school.sendDueReminders(() => false)).toBe(0);
  });

  it('resends what a crash interrupted, and never what was sent', async () => {
    const { school, push } = setup();
    school.subscribePush('s1', {
      endpoint: 'https://fcm.googleapis.com/a',
      ...KEYS,
      device: 'phone',
    });
    school.subscribePush('s2', {
      endpoint: 'https://fcm.googleapis.com/b',
      ...KEYS,
      device: 'tablet',
    });
    const { notice } = school.sendNotice({
      senderId: 'tanaka',
      audience: 'class:2B',
      title: 'Storm',
      body: '',
      urgent: true,
      emailAfterMs: null,
    });
    await waitFor('both pushes', () => push.sent.length === 2);
    await waitFor('both recorded', () =>
      school.repos.deliveries.forNotice(notice.id).every((d) => d.state === 'sent'),
    );
    // A crash after s2's push was claimed and before it was recorded.
    const reopened = t!.reopen();
    reopened.repos.deliveries.retry(
      { noticeId: notice.id, personId: 's2', channel: 'push', round: 0 },
      0,
      '',
    );
    const row = reopened.repos.deliveries.claimDue(t!.clock.now, 10);
    expect(row.map((d) => d.personId)).toEqual(['s2']);
    const again = new FakePush();
    reopened.startDelivery({
      push: again,
      pollMs: 3_600_000,
      link: async () => ({ url: 'u', token: 't' }),
    });
    await waitFor('the interrupted push again', () => again.sent.length === 1);
    expect(again.sent[0]!.device).toBe('tablet');
    expect(again.sent[0]!.message.topic).toBe(pushTopic(notice.id));
  });

  it('emails a daily digest of the non-urgent notices still unread, one email per person', async () => {
    const { school, clock, mail, ladder } = setup();
    // 2026-04-08 00:00 UTC: the digest goes at 17:00 UTC.
    const send = (title: string) =>
      school.sendNotice({
        senderId: 'tanaka',
        audience: 'class:2B',
        title,
        body: '',
        urgent: false,
      }).notice;
    const library = send('Library closed');
    const trip = send('Museum trip forms');
    expect(library.emailAfterMs).toBeNull();
    // s1 (guardian, all) and s3 (all) take the digest; s2 (fallback) and s4 (none) do not.
    const rows = school.repos.deliveries.forNotice(library.id);
    expect(rows.map((d) => [d.personId, d.channel, d.dueAt])).toEqual([
      ['s1', 'digest', Date.parse('2026-04-08T17:00:00Z')],
      ['s3', 'digest', Date.parse('2026-04-08T17:00:00Z')],
    ]);
    await school.receipt('s3', library.id, 'read');
    clock.now = Date.parse('2026-04-08T16:59:00Z');
    ladder.kick();
    await new Promise((r) => setTimeout(r, 50));
    expect(mail.sent).toEqual([]);
    clock.now = Date.parse('2026-04-08T17:00:00Z');
    ladder.kick();
    await waitFor('the digests', () => mail.sent.length === 2);
    await waitFor('the rows done', () =>
      [library, trip].every((n) =>
        school.repos.deliveries.forNotice(n.id).every((d) => d.state !== 'sending'),
      ),
    );
    const forMum = mail.sent.find((m) => m.to.includes('mum@home.example'))!;
    expect(forMum.messageId).toBe('digest.2026-04-08.s1');
    expect(forMum.text).toContain('Library closed');
    expect(forMum.text).toContain('Museum trip forms');
    const forChie = mail.sent.find((m) => m.to.includes('chie@students.example'))!;
    expect(forChie.text).not.toContain('Library closed');
    expect(forChie.text).toContain('Museum trip forms');
    expect(school.repos.deliveries.forNotice(library.id).map((d) => d.state)).toEqual([
      'sent',
      'skipped',
    ]);
  });
});
