import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { rosterCsv } from '@cosmo/school/testing';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { mintAdminToken } from '../tokens.js';

describe('the admin HTTP API', () => {
  let t: EphemeralServer;
  let auth: Record<string, string>;
  const api = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = auth,
  ) =>
    fetch(`${t.httpUrl}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body !== undefined && typeof body !== 'string'
          ? { 'content-type': 'application/json' }
          : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await startEphemeralServer();
    auth = {
      authorization: `Bearer ${await mintAdminToken(t.server.tokens, { schoolId: 'tokyo', identity: 'principal' })}`,
    };
    const csv = rosterCsv(3)
      .split('\n')
      .filter((l) => !l.startsWith('osaka,'))
      .join('\n');
    expect(await (await api('POST', '/api/admin/roster', csv)).json()).toEqual({
      ok: true,
      people: 6,
      classes: 2,
    });
    // Osaka's roster arrives with Osaka's admin.
    const osaka = {
      authorization: `Bearer ${await mintAdminToken(t.server.tokens, { schoolId: 'osaka', identity: 'kato' })}`,
    };
    expect(
      (
        await api(
          'POST',
          '/api/admin/roster',
          'school_id,school_name,class_id,class_name,person_id,person_name,role\nosaka,Osaka,9Z,Art 9Z,kato,Kato,admin\n',
          osaka,
        )
      ).status,
    ).toBe(200);
  });
  afterAll(() => t?.close());

  it('refuses calls without a valid admin token', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${await t.token('x', 'principal', 'teacher')}` },
    ];
    for (const headers of attempts) {
      const res = await api('GET', '/api/admin/classes/2B/leave', undefined, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'NOT_AUTHORIZED' });
    }
  });

  it('reports bad roster rows and changes nothing', async () => {
    const res = await api(
      'POST',
      '/api/admin/roster',
      'school_id,school_name,class_id,class_name,person_id,person_name,role\ntokyo,T,2B,P,new1,,student\n',
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'INVALID_ARGUMENT',
      errors: [{ line: 2, column: 'person_name' }],
    });
    expect(t.server.school!.repos.roster.person('new1')).toBeUndefined();
  });

  it('schedules a lecture, mints a token for a roster member, and exports attendance', async () => {
    const start = Date.now() - 60_000;
    const lecture = await api('POST', '/api/admin/lectures', {
      id: 'opt-1',
      classId: '2B',
      title: 'Optics',
      startsAt: new Date(start).toISOString(),
      endsAt: start + 3_600_000,
    });
    expect(lecture.status).toBe(201);
    const { token, role } = (await (
      await api('POST', '/api/admin/tokens', { personId: 's1', room: 'opt-1' })
    ).json()) as { token: string; role: string };
    expect(role).toBe('student');
    const c = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    await c.request('join', { token, protocolVersion: PROTOCOL_VERSION });
    const report = (await (await api('GET', '/api/admin/lectures/opt-1/attendance')).json()) as {
      rows: { personId: string; status: string }[];
    };
    expect(report.rows.find((r) => r.personId === 's1')?.status).toBe('present');
    const csv = await api('GET', '/api/admin/lectures/opt-1/attendance.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\n')[0]).toBe(
      'name,class,lecture,status,first_join,last_leave,minutes',
    );
    c.close();
  });

  it("refuses forged and other schools' ids with clear codes, changing nothing", async () => {
    const cases: [string, string, unknown, number, string][] = [
      [
        'POST',
        '/api/admin/lectures',
        { classId: '9Z', title: 'x', startsAt: 1, endsAt: 2 },
        404,
        'NOT_FOUND',
      ],
      [
        'POST',
        '/api/admin/lectures',
        { classId: '2B', title: 'x', startsAt: 5, endsAt: 2 },
        400,
        'INVALID_ARGUMENT',
      ],
      [
        'POST',
        '/api/admin/lectures',
        { classId: '2B', title: 'x', startsAt: 'tuesday', endsAt: 2 },
        400,
        'INVALID_ARGUMENT',
      ],
      ['GET', '/api/admin/lectures/forged/attendance', undefined, 404, 'NOT_FOUND'],
      ['GET', '/api/admin/classes/9Z/leave', undefined, 404, 'NOT_FOUND'],
      ['POST', '/api/admin/tokens', { personId: 'kato', room: 'r' }, 404, 'NOT_FOUND'],
      ['POST', '/api/admin/notices', { audience: 'school:osaka', title: 'x' }, 404, 'NOT_FOUND'],
      ['POST', '/api/admin/notices', { audience: 'class:9Z', title: 'x' }, 404, 'NOT_FOUND'],
      ['POST', '/api/admin/leave/forged', { approve: true }, 404, 'NOT_FOUND'],
      ['POST', '/api/admin/notices', '{not json', 400, 'INVALID_ARGUMENT'],
      ['DELETE', '/api/admin/roster', undefined, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await api(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(await res.json()).toMatchObject({ code });
    }
    expect(t.server.school!.repos.roster.lectures('9Z')).toEqual([]);
    expect(t.server.school!.undeliveredFor('kato')).toEqual([]);
  });

  it('sends a school-wide notice and reports its receipts', async () => {
    const res = await api('POST', '/api/admin/notices', {
      audience: 'school:tokyo',
      title: 'Storm',
      body: 'Closed tomorrow',
      urgent: true,
    });
    expect(res.status).toBe(201);
    const { id, recipients } = (await res.json()) as { id: string; recipients: number };
    expect(recipients).toBe(5);
    const receipts = (await (await api('GET', `/api/admin/notices/${id}`)).json()) as {
      receipts: unknown;
    };
    expect(receipts.receipts).toEqual({ recipients: 5, delivered: 0, read: 0 });
  });

  it('refuses an oversized body with 413', async () => {
    const res = await api('POST', '/api/admin/roster', 'x'.repeat(5 * 1024 * 1024));
    expect(res.status).toBe(413);
  });
});
