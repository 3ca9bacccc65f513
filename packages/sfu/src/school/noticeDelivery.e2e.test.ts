import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, cosmo } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { pushTopic, type DeliverySummary, type RecipientStatus } from '@cosmo/school';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { TestMailbox } from '../testing/mailbox.js';
import { TestPushService } from '../testing/pushService.js';
import { mintAdminToken } from '../tokens.js';

const STUDENTS = 300;
/** s0–s99 have the classroom open; s100–s249 have push devices; s250–s299 only email. */
const CONNECTED = 100;
const PUSHED = 150;
const EMAIL_AFTER_S = 10;
const LINK =
  /https:\/\/classroom\.tokyo\.example\/inbox\?notice=([^&\s]+)&receipt=([A-Za-z0-9._-]+)/;

const id = (i: number) => `s${i}`;
const group = (i: number) => (i < CONNECTED ? 'live' : i < CONNECTED + PUSHED ? 'push' : 'email');

describe('an urgent notice to 300: 100 connected, 150 with push devices, 50 with only email', () => {
  let t: EphemeralServer;
  let pushService: TestPushService;
  let mailbox: TestMailbox;
  let admin: Record<string, string>;
  const clients: SignallingClient[] = [];
  /** When each student was first reached, on any channel. */
  const reachedAt = new Map<string, number>();
  const liveNotices = new Map<string, number>();

  const post = (path: string, body: unknown, token: string) =>
    fetch(`${t.httpUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    pushService = await TestPushService.start();
    mailbox = await TestMailbox.start({ user: 'cosmo', pass: 'mail-secret' });
    t = await startEphemeralServer({
      rateLimit: { perSecond: 1000, burst: 1000 },
      smtpHost: '127.0.0.1',
      smtpPort: mailbox.port,
      smtpUser: 'cosmo',
      smtpPass: 'mail-secret',
      smtpFrom: '"Tokyo International" <notices@tokyo.example>',
      pushSubject: 'mailto:it@tokyo.example',
      pushEndpointHosts: ['127.0.0.1'],
      inboxUrl: 'https://classroom.tokyo.example/inbox',
    });
    const rows = [
      'school_id,school_name,class_id,class_name,person_id,person_name,role,email,guardian_email,notify_email',
      'tokyo,Tokyo,office,Office,principal,Mori Aya,admin,,,',
    ];
    for (let i = 0; i < STUDENTS; i++) {
      // Everyone has a guardian's address: the ladder must skip whoever read it by then.
      const own = group(i) === 'email' ? `${id(i)}@students.tokyo.example` : '';
      rows.push(
        `tokyo,Tokyo,2B,Physics 2B,${id(i)},Student ${i},student,${own},parent.${id(i)}@home.example,all`,
      );
    }
    admin = {
      authorization: `Bearer ${await mintAdminToken(t.server.tokens, { schoolId: 'tokyo', identity: 'principal' })}`,
    };
    const imported = await fetch(`${t.httpUrl}/api/admin/roster`, {
      method: 'POST',
      headers: admin,
      body: rows.join('\n'),
    });
    expect(imported.status).toBe(200);

    // The push group subscribes its devices with their join tokens, as the page would; ten have a
    // second device, five a third that has since been unsubscribed (410 from the push service).
    const { publicKey } = (await (await fetch(`${t.httpUrl}/api/push/key`)).json()) as {
      publicKey: string;
    };
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    for (let i = CONNECTED; i < CONNECTED + PUSHED; i++) {
      const token = await t.token('2B', id(i), 'student');
      const devices = [`${id(i)}-phone`];
      if (i % 15 === 0) devices.push(`${id(i)}-laptop`);
      if (i % 30 === 0) {
        devices.push(`${id(i)}-old`);
        pushService.gone.add(`${id(i)}-old`);
      }
      for (const d of devices) {
        const res = await post(
          '/api/push/subscriptions',
          { ...pushService.device(d), device: d },
          token,
        );
        expect(res.status, await res.clone().text()).toBe(201);
      }
    }
    // A device pointing anywhere but a push service is refused.
    const evil = await post(
      '/api/push/subscriptions',
      { ...pushService.device('x'), endpoint: 'https://intranet.tokyo.example/admin' },
      await t.token('2B', id(CONNECTED), 'student'),
    );
    expect(evil.status).toBe(400);

    // The service worker shows the notification and acknowledges it; the student taps it.
    pushService.onPush = async (push) => {
      const student = /^(s\d+)-/.exec(push.deviceId)![1]!;
      if (!reachedAt.has(student)) reachedAt.set(student, push.at);
      const path = `/api/notices/${push.payload.id}/receipts`;
      for (const kind of ['delivered', 'read'])
        expect((await post(path, { kind, via: 'push' }, push.payload.receipt)).status).toBe(200);
    };
    // The guardian opens the email's link: the page acknowledges it with the link's token.
    mailbox.onMail = async (mail) => {
      const m = LINK.exec(mail.text);
      if (!m) return;
      const student = /^parent\.(s\d+)@/.exec(mail.to.find((a) => a.startsWith('parent.'))!)![1]!;
      if (!reachedAt.has(student)) reachedAt.set(student, mail.at);
      const token = m[2]!;
      const page = await fetch(`${t.httpUrl}/api/notices/${m[1]}?receipt=${token}`);
      expect(page.status).toBe(200);
      for (const kind of ['delivered', 'read'])
        expect(
          (await post(`/api/notices/${m[1]}/receipts`, { kind, via: 'email' }, token)).status,
        ).toBe(200);
    };

    for (let i = 0; i < CONNECTED; i++) {
      const client = await SignallingClient.connect({
        url: t.url,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
      const student = id(i);
      client.on('event', (f) => {
        if (f.body !== 'notification') return;
        if (!reachedAt.has(student)) reachedAt.set(student, Date.now());
        liveNotices.set(student, (liveNotices.get(student) ?? 0) + 1);
        for (const kind of [
          cosmo.v1.ReceiptKind.RECEIPT_KIND_DELIVERED,
          cosmo.v1.ReceiptKind.RECEIPT_KIND_READ,
        ])
          void client.request('notificationReceipt', { notificationId: f.notification.id!, kind });
      });
      await client.request('join', {
        token: await t.token('2B', student, 'student'),
        protocolVersion: PROTOCOL_VERSION,
      });
      clients.push(client);
    }
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
    await pushService?.close();
    await mailbox?.close();
  });

  it('reaches every recipient within a minute, on the right channel, and the summary adds up', async () => {
    const sentAt = Date.now();
    const sent = await fetch(`${t.httpUrl}/api/admin/notices`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        audience: 'class:2B',
        title: 'Typhoon: school closed tomorrow',
        body: 'Lessons move online. Stay home and stay safe.',
        urgent: true,
        emailAfterSeconds: EMAIL_AFTER_S,
        idempotencyKey: 'typhoon-1130',
      }),
    });
    expect(sent.status).toBe(201);
    const { id: noticeId, recipients } = (await sent.json()) as { id: string; recipients: number };
    expect(recipients).toBe(STUDENTS);

    await waitFor('every student to be reached', () => reachedAt.size === STUDENTS, 60_000);
    const lastMs = Math.max(...reachedAt.values()) - sentAt;
    const lastPushMs = Math.max(...pushService.received.map((p) => p.at)) - sentAt;
    console.log(
      `notice delivery: all ${STUDENTS} reached in ${lastMs} ms (email after ${EMAIL_AFTER_S} s; last push at ${lastPushMs} ms)`,
    );
    expect(lastMs).toBeLessThan(60_000);

    const report = async () =>
      (await (
        await fetch(`${t.httpUrl}/api/admin/notices/${noticeId}/recipients`, { headers: admin })
      ).json()) as { summary: DeliverySummary; recipients: RecipientStatus[] };
    await waitFor('all 300 read', async () => (await report()).summary.read === STUDENTS, 20_000);
    // Nothing more goes out: the emails to readers are skipped when they come due.
    await waitFor(
      'the ladder to finish',
      async () => (await report()).recipients.every((r) => r.queued === 0),
      EMAIL_AFTER_S * 1000 + 10_000,
    );
    const { summary, recipients: statuses } = await report();
    expect(summary).toEqual({
      recipients: STUDENTS,
      live: CONNECTED,
      pushed: PUSHED,
      emailed: STUDENTS - CONNECTED - PUSHED,
      deliveredByPush: PUSHED,
      deliveredByEmail: STUDENTS - CONNECTED - PUSHED,
      delivered: STUDENTS,
      read: STUDENTS,
      unreached: 0,
    });
    for (const r of statuses) {
      const i = Number(r.personId.slice(1));
      expect(r.deliveredVia, r.personId).toBe(group(i));
      expect(r.readAt, r.personId).toBeGreaterThanOrEqual(r.deliveredAt!);
      if (group(i) === 'push') expect(r.pushedAt).toBeGreaterThanOrEqual(sentAt);
      else expect(r.pushedAt).toBeNull();
      if (group(i) === 'email')
        expect(r.emailedAt).toBeGreaterThanOrEqual(sentAt + EMAIL_AFTER_S * 1000);
      else expect(r.emailedAt).toBeNull();
    }

    // Pushes: one per live device, decrypted to the notice, urgent, collapsible, signed.
    const { publicKey } = (await (await fetch(`${t.httpUrl}/api/push/key`)).json()) as {
      publicKey: string;
    };
    expect(pushService.rejected).toEqual([]);
    for (let i = CONNECTED; i < CONNECTED + PUSHED; i++) {
      const devices = [`${id(i)}-phone`, ...(i % 15 === 0 ? [`${id(i)}-laptop`] : [])];
      for (const d of devices) {
        const got = pushService.pushesTo(d);
        expect(got, d).toHaveLength(1);
        expect(got[0]).toMatchObject({
          urgency: 'high',
          topic: pushTopic(noticeId),
          ttl: '86400',
          vapidKey: publicKey,
          payload: {
            type: 'notice',
            id: noticeId,
            title: 'Typhoon: school closed tomorrow',
            body: 'Lessons move online. Stay home and stay safe.',
            urgent: true,
            sender: 'Mori Aya',
            reminder: false,
          },
        });
        expect(got[0]!.payload.url).toMatch(LINK);
      }
    }
    expect(
      pushService.received.filter((p) => Number(/^s(\d+)/.exec(p.deviceId)![1]) < CONNECTED),
    ).toEqual([]);
    // The unsubscribed devices were tried once and forgotten (404/410).
    const gone = [...pushService.gone];
    expect(gone.length).toBe(5);
    for (const d of gone) expect(pushService.pushesTo(d)).toHaveLength(0);
    const s120 = await fetch(`${t.httpUrl}/api/push/subscriptions`, {
      headers: { authorization: `Bearer ${await t.token('2B', 's120', 'student')}` },
    });
    expect(((await s120.json()) as { devices: unknown[] }).devices).toHaveLength(2);

    // Emails: one per email-only student, to both addresses, with the link; none to the others.
    expect(mailbox.messages).toHaveLength(STUDENTS - CONNECTED - PUSHED);
    for (let i = CONNECTED + PUSHED; i < STUDENTS; i++) {
      const mails = mailbox.to(`parent.${id(i)}@home.example`);
      expect(mails, id(i)).toHaveLength(1);
      expect(mails[0]!.to.sort()).toEqual(
        [`${id(i)}@students.tokyo.example`, `parent.${id(i)}@home.example`].sort(),
      );
      expect(mails[0]!.subject).toBe('[Urgent] Typhoon: school closed tomorrow');
      expect(mails[0]!.text).toContain('Lessons move online.');
      expect(LINK.exec(mails[0]!.text)?.[1]).toBe(noticeId);
      expect(mails[0]!.messageId).toBe(`<notice.${noticeId}.${id(i)}.r0@tokyo.example>`);
    }
    // The open pages got it once each.
    for (let i = 0; i < CONNECTED; i++) expect(liveNotices.get(id(i))).toBe(1);
  }, 90_000);

  it("an admin changes a student's addresses and opt-out; only the sender and admins see the recipients", async () => {
    // Devices and mailboxes stay quiet from here: this test sends, it does not wait for receipts.
    pushService.onPush = () => undefined;
    mailbox.onMail = () => undefined;
    const put = (person: string, body: unknown) =>
      fetch(`${t.httpUrl}/api/admin/people/${person}/contact`, {
        method: 'PUT',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const changed = await put('s260', {
      guardianEmail: 'dad.s260@home.example',
      notifyEmail: 'none',
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({
      personId: 's260',
      email: 's260@students.tokyo.example',
      guardianEmail: 'dad.s260@home.example',
      notifyEmail: 'none',
      pushDevices: 0,
    });
    expect((await put('s260', { email: 'not an address' })).status).toBe(400);
    expect((await put('nobody', { notifyEmail: 'all' })).status).toBe(404);
    const s101 = await fetch(`${t.httpUrl}/api/admin/people/s101/contact`, { headers: admin });
    expect(await s101.json()).toMatchObject({ pushDevices: 1, notifyEmail: 'all' });

    // A guardian opts out in one click from the email (RFC 8058); a student chooses no digest.
    const mail = mailbox.to('parent.s251@home.example')[0]!;
    expect(mail.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const optOut = /^List-Unsubscribe:\s*<([^>]+)>/m.exec(
      mail.raw.replace(/\r?\n[ \t]+/g, ' '),
    )![1]!;
    expect(optOut.startsWith(`${t.httpUrl}/api/email/opt-out?receipt=`)).toBe(true);
    const clicked = await fetch(optOut, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(clicked.status).toBe(200);
    const s251 = await fetch(`${t.httpUrl}/api/admin/people/s251/contact`, { headers: admin });
    expect(await s251.json()).toMatchObject({ notifyEmail: 'none' });
    const s252 = { authorization: `Bearer ${await t.token('2B', 's252', 'student')}` };
    const prefs = await fetch(`${t.httpUrl}/api/email/preferences`, { headers: s252 });
    expect(await prefs.json()).toEqual({ notifyEmail: 'all', addresses: 2 });
    const chosen = await fetch(`${t.httpUrl}/api/email/preferences`, {
      method: 'PUT',
      headers: { ...s252, 'content-type': 'application/json' },
      body: JSON.stringify({ notifyEmail: 'fallback' }),
    });
    expect(await chosen.json()).toEqual({ notifyEmail: 'fallback', addresses: 2 });

    // The opted-out get no email; the others' rows are queued for the sender's delay.
    const sent = await fetch(`${t.httpUrl}/api/admin/notices`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        audience: 'class:2B',
        title: 'Sports day moved',
        urgent: true,
        emailAfterSeconds: 3600,
      }),
    });
    const { id: noticeId } = (await sent.json()) as { id: string };
    const rows = t.server.school!.repos.deliveries.forNotice(noticeId);
    expect(rows.filter((d) => d.personId === 's260' || d.personId === 's251')).toEqual([]);
    expect(rows.filter((d) => d.channel === 'email')).toHaveLength(STUDENTS - 2);
    expect(rows.filter((d) => d.channel === 'push')).toHaveLength(PUSHED);

    const asStudent = await fetch(`${t.httpUrl}/api/notices/${noticeId}/recipients`, {
      headers: { authorization: `Bearer ${await t.token('2B', 's1', 'student')}` },
    });
    expect(asStudent.status).toBe(403);
    const asAdmin = await fetch(`${t.httpUrl}/api/notices/${noticeId}/recipients`, {
      headers: admin,
    });
    expect(asAdmin.status).toBe(200);
    expect(((await asAdmin.json()) as { recipients: unknown[] }).recipients).toHaveLength(STUDENTS);
    // A student reads the notice with its receipt token only: another notice's token is refused.
    const other = await fetch(`${t.httpUrl}/api/notices/${noticeId}`, {
      headers: { authorization: `Bearer ${pushService.received[0]!.payload.receipt}` },
    });
    expect(other.status).toBe(401);
  }, 30_000);
});
