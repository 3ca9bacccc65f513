import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, cosmo, type ServerFrame } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';

const STUDENTS = 300;
const OFFLINE = 100;

/** A student's signalling connection that keeps the notices it gets. */
interface Member {
  id: string;
  client: SignallingClient;
  notices: ServerFrame['notification'][];
}

describe('a notice to 300 members, 100 of them offline', () => {
  let t: EphemeralServer;
  const members: Member[] = [];
  let teacher: SignallingClient;
  const summaries: { delivered: number; read: number; recipients: number }[] = [];

  async function connect(id: string, role: 'teacher' | 'student'): Promise<Member> {
    const client = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const member: Member = { id, client, notices: [] };
    client.on('event', (f) => {
      if (f.body === 'notification') {
        member.notices.push(f.notification);
        // At-least-once delivery: acknowledge every copy; the client dedupes by id.
        void client.request('notificationReceipt', {
          notificationId: f.notification.id!,
          kind: cosmo.v1.ReceiptKind.RECEIPT_KIND_DELIVERED,
        });
      }
      if (f.body === 'receiptSummary') {
        const s = f.receiptSummary;
        summaries.push({
          recipients: s.recipients ?? 0,
          delivered: s.delivered ?? 0,
          read: s.read ?? 0,
        });
      }
    });
    await client.request('join', {
      token: await t.token('homeroom-2B', id, role),
      protocolVersion: PROTOCOL_VERSION,
    });
    return member;
  }

  beforeAll(async () => {
    t = await startEphemeralServer({
      reminderIntervalMs: 1000,
      reminderLimit: 2,
      rateLimit: { perSecond: 1000, burst: 1000 },
    });
    const rows = [
      'school_id,school_name,class_id,class_name,person_id,person_name,role',
      'tokyo,Tokyo,2B,Physics 2B,tanaka,Tanaka,teacher',
    ];
    for (let i = 0; i < STUDENTS; i++)
      rows.push(`tokyo,Tokyo,2B,Physics 2B,s${i},Student ${i},student`);
    expect(t.server.school!.importRosterCsv(rows.join('\n'))).toMatchObject({
      ok: true,
      people: STUDENTS + 1,
    });
    teacher = (await connect('tanaka', 'teacher')).client;
    for (let i = OFFLINE; i < STUDENTS; i++) members.push(await connect(`s${i}`, 'student'));
  }, 120_000);

  afterAll(async () => {
    for (const m of members) m.client.close();
    teacher?.close();
    await t?.close();
  });

  it('reaches all 300 (the offline ones when they connect), receipts add up, reminders go only to the unread', async () => {
    const sent = await teacher.request('sendNotification', {
      audience: 'class:2B',
      title: 'Typhoon: school closed tomorrow',
      body: 'Lessons move online.',
      priority: cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_URGENT,
      idempotencyKey: 'typhoon-0408',
      emailAfterSeconds: 120,
    });
    const { notificationId, recipients } = sent.sendNotification!;
    expect(recipients).toBe(STUDENTS);
    // The teacher chose when the unread are emailed (docs/school.md, the ladder).
    expect(t.server.school!.repos.notices.get(notificationId!)?.emailAfterMs).toBe(120_000);
    await waitFor(
      'the online 200 to get it',
      () => members.every((m) => m.notices.some((n) => n?.id === notificationId)),
      30_000,
    );

    // A retried send (same key) is the same notice, not a second one.
    const again = await teacher.request('sendNotification', {
      audience: 'class:2B',
      title: 'Typhoon: school closed tomorrow',
      idempotencyKey: 'typhoon-0408',
    });
    expect(again.sendNotification!.notificationId).toBe(notificationId);

    for (let i = 0; i < OFFLINE; i++) members.push(await connect(`s${i}`, 'student'));
    await waitFor(
      'all 300 to get it',
      () => members.every((m) => m.notices.some((n) => n?.id === notificationId)),
      30_000,
    );
    await waitFor('300 delivered receipts', () => summaries.at(-1)?.delivered === STUDENTS, 30_000);

    // Half of them read it.
    const readers = members.filter((_, i) => i % 2 === 0);
    // What each reader had received when the server acknowledged the read: nothing may follow.
    const seenAtRead = new Map<Member, number>();
    for (const m of readers) {
      await m.client.request('notificationReceipt', {
        notificationId,
        kind: cosmo.v1.ReceiptKind.RECEIPT_KIND_READ,
      });
      seenAtRead.set(m, m.notices.length);
    }
    await waitFor(
      'the read count to reach 150',
      () => summaries.at(-1)?.read === readers.length,
      30_000,
    );
    expect(summaries.at(-1)).toEqual({
      recipients: STUDENTS,
      delivered: STUDENTS,
      read: readers.length,
    });
    expect(t.server.school!.receiptsOf(notificationId!, 'tanaka')).toEqual({
      recipients: 300,
      delivered: 300,
      read: 150,
    });

    // Reminders (every second here) reach every unread member, and no reader after reading.
    const unread = members.filter((m) => !seenAtRead.has(m));
    const remindedAfter = (m: Member, from: number) =>
      m.notices.slice(from).filter((n) => n?.id === notificationId && n?.reminder).length;
    await waitFor(
      'reminders to all 150 unread',
      () => unread.every((m) => remindedAfter(m, 0) > 0),
      15_000,
    );
    await new Promise((r) => setTimeout(r, 2500));
    for (const m of readers) expect(remindedAfter(m, seenAtRead.get(m)!), m.id).toBe(0);
    // The limit holds: two reminders at most.
    for (const m of unread) expect(remindedAfter(m, 0)).toBeLessThanOrEqual(2);
    // Every member saw the same notice, urgent, with its title; duplicates are reminders only.
    for (const m of members) {
      const copies = m.notices.filter((n) => n?.id === notificationId);
      expect(copies.filter((n) => !n?.reminder)).toHaveLength(1);
      expect(copies[0]).toMatchObject({
        title: 'Typhoon: school closed tomorrow',
        priority: cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_URGENT,
      });
    }
  }, 120_000);
});
