import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { rosterCsv } from '@cosmo/school/testing';
import { serve } from '@cosmo/testkit';
import { TokenService, mintAdminToken } from '../tokens.js';

const secret = 'crash-test-secret-crash-test-secret-0123456789';
const tokens = new TokenService(secret);
const tokyoOnly = (csv: string) =>
  csv
    .split('\n')
    .filter((l) => !l.startsWith('osaka,'))
    .join('\n');

/** Starts `cosmo serve` on `dataDir`. */
const serveOn = (dataDir: string) =>
  serve({ COSMO_API_SECRET: secret, COSMO_DATA_DIR: dataDir, COSMO_LOG_LEVEL: 'error' });

describe('a crash during a burst of writes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged notice or attendance record when the server is killed with SIGKILL', async () => {
    const first = await serveOn(dataDir);
    children.push(first.child);
    const http = `http://127.0.0.1:${first.port}`;
    const admin = {
      authorization: `Bearer ${await mintAdminToken(tokens, { schoolId: 'tokyo', identity: 'principal' })}`,
    };
    expect(
      (
        await fetch(`${http}/api/admin/roster`, {
          method: 'POST',
          headers: admin,
          body: tokyoOnly(rosterCsv(30)),
        })
      ).status,
    ).toBe(200);
    const now = Date.now();
    const lecture = await fetch(`${http}/api/admin/lectures`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'L1',
        classId: '2B',
        title: 'Optics',
        startsAt: now - 60_000,
        endsAt: now + 3_600_000,
      }),
    });
    expect(lecture.status).toBe(201);

    const url = `ws://127.0.0.1:${first.port}/ws`;
    const connect = () =>
      SignallingClient.connect({ url, WebSocket: WebSocket as unknown as WebSocketConstructor });
    const joinRoom = (c: SignallingClient, identity: string, role: 'teacher' | 'student') =>
      tokens
        .mint({ room: 'L1', identity, name: identity, role })
        .then((token) => c.request('join', { token, protocolVersion: PROTOCOL_VERSION }));

    const teacher = await connect();
    await joinRoom(teacher, 'tanaka', 'teacher');
    const ackedNotices: string[] = [];
    const ackedPresence = new Map<string, number>();
    let running = true;

    const sending = (async () => {
      // Five notices every 150 ms stays under the connection's rate limit (50/s).
      for (let i = 0; running && !teacher.closed; i++) {
        const batch = Array.from({ length: 5 }, (_, k) =>
          teacher
            .request('sendNotification', {
              audience: 'class:2B',
              title: `Notice ${i}-${k}`,
              idempotencyKey: `n-${i}-${k}`,
            })
            .then((r) => ackedNotices.push(r.sendNotification!.notificationId!)),
        );
        await Promise.allSettled(batch);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const attending = Array.from({ length: 30 }, async (_, n) => {
      const id = `s${n + 1}`;
      while (running) {
        const c = await connect().catch(() => undefined);
        if (!c) return;
        try {
          await joinRoom(c, id, 'student');
          ackedPresence.set(id, (ackedPresence.get(id) ?? 0) + 1);
          await c.request('leave', {});
          ackedPresence.set(id, (ackedPresence.get(id) ?? 0) + 1);
        } catch {
          return;
        } finally {
          c.close();
        }
      }
    });

    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGKILL');
    running = false;
    await Promise.allSettled([sending, ...attending]);
    const acked =
      ackedPresence.size > 0 ? [...ackedPresence.values()].reduce((a, b) => a + b, 0) : 0;
    expect(ackedNotices.length).toBeGreaterThan(10);
    expect(acked).toBeGreaterThan(10);

    // Restart on the same data: every acknowledged write is there, and the server serves.
    const second = await serveOn(dataDir);
    children.push(second.child);
    const http2 = `http://127.0.0.1:${second.port}`;
    for (const id of ackedNotices) {
      const res = await fetch(`${http2}/api/admin/notices/${id}`, { headers: admin });
      expect(res.status, `notice ${id}`).toBe(200);
    }
    const db = new Database(join(dataDir, 'cosmo.db'), { readonly: true });
    const counts = new Map(
      (
        db
          .prepare(
            "SELECT person_id AS id, COUNT(*) AS n FROM attendance_events WHERE lecture_id = 'L1' GROUP BY person_id",
          )
          .all() as {
          id: string;
          n: number;
        }[]
      ).map((r) => [r.id, r.n]),
    );
    db.close();
    for (const [id, n] of ackedPresence) expect(counts.get(id) ?? 0, id).toBeGreaterThanOrEqual(n);
    const report = await (
      await fetch(`${http2}/api/admin/lectures/L1/attendance`, { headers: admin })
    ).json();
    expect(
      (report as { rows: { status: string }[] }).rows.filter((r) => r.status !== 'absent').length,
    ).toBe(ackedPresence.size);
    second.child.kill('SIGTERM');
  }, 90_000);
});
