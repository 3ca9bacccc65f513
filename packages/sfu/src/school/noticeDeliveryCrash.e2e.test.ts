import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { pushTopic, type DeliverySummary } from '@cosmo/school';
import { serve, waitFor } from '@cosmo/testkit';
import { TestMailbox } from '../testing/mailbox.js';
import { TestPushService } from '../testing/pushService.js';
import { TokenService, mintAdminToken } from '../tokens.js';

const secret = 'delivery-crash-secret-delivery-crash-secret-0123';
const tokens = new TokenService(secret);
const PUSHED = 150;
const EMAILED = 50;

describe('a crash in the middle of sending an urgent notice', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-delivery-crash-'));
  const children: ChildProcess[] = [];
  let pushService: TestPushService | undefined;
  let mailbox: TestMailbox | undefined;
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await pushService?.close();
    await mailbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reaches every recipient exactly once per channel after a SIGKILL and a restart', async () => {
    pushService = await TestPushService.start();
    mailbox = await TestMailbox.start();
    const serveOn = () =>
      serve({
        COSMO_API_SECRET: secret,
        COSMO_DATA_DIR: dataDir,
        COSMO_LOG_LEVEL: 'error',
        COSMO_SMTP_HOST: '127.0.0.1',
        COSMO_SMTP_PORT: String(mailbox!.port),
        COSMO_SMTP_FROM: 'notices@tokyo.example',
        COSMO_PUSH_SUBJECT: 'mailto:it@tokyo.example',
        COSMO_PUSH_ENDPOINT_HOSTS: '["127.0.0.1"]',
        COSMO_INBOX_URL: 'https://classroom.tokyo.example/inbox',
      });
    const first = await serveOn();
    children.push(first.child);
    let http = `http://127.0.0.1:${first.port}`;
    const admin = {
      authorization: `Bearer ${await mintAdminToken(tokens, { schoolId: 'tokyo', identity: 'principal' })}`,
    };
    const rows = [
      'school_id,school_name,class_id,class_name,person_id,person_name,role,email,guardian_email,notify_email',
      'tokyo,Tokyo,office,Office,principal,Mori Aya,admin,,,',
    ];
    for (let i = 0; i < PUSHED + EMAILED; i++)
      rows.push(
        `tokyo,Tokyo,2B,Physics 2B,s${i},Student ${i},student,${i < PUSHED ? '' : `s${i}@home.example`},,`,
      );
    expect(
      (
        await fetch(`${http}/api/admin/roster`, {
          method: 'POST',
          headers: admin,
          body: rows.join('\n'),
        })
      ).status,
    ).toBe(200);
    for (let i = 0; i < PUSHED; i++) {
      const token = await tokens.mint({
        room: '2B',
        identity: `s${i}`,
        name: `s${i}`,
        role: 'student',
      });
      const res = await fetch(`${http}/api/push/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(pushService.device(`s${i}`)),
      });
      expect(res.status).toBe(201);
    }

    // Nobody acknowledges (the phones are off): only the queue keeps a push from going twice.
    // The push service and the mail server are slow, so the server dies with sends in flight.
    let killed = false;
    const slow = () => new Promise<void>((r) => setTimeout(r, 40));
    pushService.onPush = async () => {
      if (!killed && pushService!.received.length >= 40) {
        killed = true;
        first.child.kill('SIGKILL');
      }
      await slow();
    };
    mailbox.onMail = slow;

    const sent = await fetch(`${http}/api/admin/notices`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        audience: 'class:2B',
        title: 'Earthquake drill moved to 10:00',
        body: 'Bring your helmet.',
        urgent: true,
        emailAfterSeconds: 0,
      }),
    });
    expect(sent.status).toBe(201);
    const { id: noticeId } = (await sent.json()) as { id: string };
    await waitFor('the server to be killed mid-send', () => killed, 30_000);
    await new Promise<void>((r) =>
      first.child.exitCode !== null || first.child.signalCode !== null
        ? r()
        : first.child.once('exit', () => r()),
    );
    const beforeRestart = pushService.received.length;
    expect(beforeRestart).toBeLessThan(PUSHED);

    const second = await serveOn();
    children.push(second.child);
    http = `http://127.0.0.1:${second.port}`;
    await waitFor(
      'every device and mailbox to be reached after the restart',
      () =>
        Array.from({ length: PUSHED }, (_, i) => pushService!.pushesTo(`s${i}`).length > 0).every(
          Boolean,
        ) &&
        Array.from(
          { length: EMAILED },
          (_, i) => mailbox!.to(`s${PUSHED + i}@home.example`).length > 0,
        ).every(Boolean),
      30_000,
    );
    const report = async () =>
      (await (
        await fetch(`${http}/api/admin/notices/${noticeId}/recipients`, { headers: admin })
      ).json()) as {
        summary: DeliverySummary;
        recipients: { queued: number }[];
      };
    await waitFor(
      'the queue to drain',
      async () => (await report()).recipients.every((r) => r.queued === 0),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1000));

    // Exactly once per recipient and channel, once repeats collapse as a push service and a mail
    // system collapse them (same topic, same Message-ID); raw repeats only from the crash window.
    const rawPushRepeats = pushService.received.length - PUSHED;
    const rawMailRepeats = mailbox.messages.length - EMAILED;
    console.log(
      `crash: killed after ${beforeRestart} pushes; raw repeats of sends in flight at the kill: ${rawPushRepeats} pushes, ${rawMailRepeats} emails`,
    );
    for (let i = 0; i < PUSHED; i++) {
      const got = pushService.pushesTo(`s${i}`);
      expect(new Set(got.map((p) => `${p.topic}/${p.payload.id}`)), `s${i}`).toEqual(
        new Set([`${pushTopic(noticeId)}/${noticeId}`]),
      );
    }
    for (let i = PUSHED; i < PUSHED + EMAILED; i++) {
      const got = mailbox.to(`s${i}@home.example`);
      expect(new Set(got.map((m) => m.messageId)), `s${i}`).toEqual(
        new Set([`<notice.${noticeId}.s${i}.r0@tokyo.example>`]),
      );
    }
    // Only what was in flight at the kill can repeat (16 sends at once at most).
    expect(rawPushRepeats + rawMailRepeats).toBeLessThanOrEqual(16);
    expect(rawPushRepeats).toBeGreaterThanOrEqual(0);

    const { summary } = await report();
    expect(summary).toMatchObject({
      recipients: PUSHED + EMAILED,
      pushed: PUSHED,
      emailed: EMAILED,
      unreached: 0,
    });
    const db = new Database(join(dataDir, 'cosmo.db'), { readonly: true });
    const rowsByState = db
      .prepare(
        'SELECT channel, state, COUNT(*) AS n FROM notice_deliveries WHERE notice_id = ? GROUP BY channel, state',
      )
      .all(noticeId);
    db.close();
    expect(rowsByState).toEqual(
      expect.arrayContaining([
        { channel: 'email', state: 'sent', n: EMAILED },
        { channel: 'push', state: 'sent', n: PUSHED },
      ]),
    );
    expect(rowsByState).toHaveLength(2);
    second.child.kill('SIGTERM');
  }, 90_000);
});
