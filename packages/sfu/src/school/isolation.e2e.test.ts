// Attacks of one school on another's data, through the admin API, join tokens and handouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { mintAdminToken } from '../tokens.js';

const HEADER = 'school_id,school_name,class_id,class_name,person_id,person_name,role';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('one school cannot touch another school', () => {
  let t: EphemeralServer;
  let tokyo: Record<string, string>;
  let osaka: Record<string, string>;
  const api = (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string | object,
  ) =>
    fetch(`${t.httpUrl}${path}`, {
      method,
      headers: {
        ...headers,
        ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const join = async (token: string) => {
    const c = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    try {
      return { c, joined: await c.request('join', { token, protocolVersion: PROTOCOL_VERSION }) };
    } catch (err) {
      c.close();
      throw err;
    }
  };

  beforeAll(async () => {
    t = await startEphemeralServer();
    const bearer = async (schoolId: string, identity: string) => ({
      authorization: `Bearer ${await mintAdminToken(t.server.tokens, { schoolId, identity })}`,
    });
    tokyo = await bearer('tokyo', 'principal');
    osaka = await bearer('osaka', 'kato');
    const tokyoRoster = [
      HEADER,
      'tokyo,Tokyo International,2B,Physics 2B,tanaka,Tanaka Yui,teacher',
      'tokyo,Tokyo International,2B,Physics 2B,principal,Mori Aya,admin',
      'tokyo,Tokyo International,2B,Physics 2B,s1,"=HYPERLINK(""http://evil.example"",""x"")",student',
      'tokyo,Tokyo International,2B,Physics 2B,s2,@SUM(1+1),student',
      'tokyo,Tokyo International,3A,History 3A,ito,Ito Ken,teacher',
    ].join('\n');
    const osakaRoster = [
      HEADER,
      'osaka,Osaka Academy,OS1,Art OS1,kato,Kato Jun,admin',
      'osaka,Osaka Academy,OS1,Art OS1,yamada,Yamada Rin,teacher',
      'osaka,Osaka Academy,OS1,Art OS1,o1,Oda Mei,student',
    ].join('\n');
    expect((await api('POST', '/api/admin/roster', tokyo, tokyoRoster)).status).toBe(200);
    expect((await api('POST', '/api/admin/roster', osaka, osakaRoster)).status).toBe(200);
  });
  afterAll(() => t?.close());

  it("a roster import naming another school's class or student is refused by line, and nothing is imported", async () => {
    const roster = t.server.school!.repos.roster;
    const before = {
      cls: roster.schoolClass('OS1'),
      o1: roster.person('o1'),
      members: roster.classMembers('OS1').map((p) => p.id),
    };
    const attack = [
      HEADER,
      'tokyo,Tokyo International,2B,Physics 2B,new-student,New Student,student',
      'tokyo,Tokyo International,OS1,Hacked class,tanaka,Tanaka Yui,teacher',
      'tokyo,Tokyo International,2B,Physics 2B,o1,Hacked student,admin',
    ].join('\n');
    const res = await api('POST', '/api/admin/roster', tokyo, attack);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; errors: { line: number; column: string }[] };
    expect(body.code).toBe('INVALID_ARGUMENT');
    expect(body.errors).toEqual([
      expect.objectContaining({ line: 3, column: 'class_id' }),
      expect.objectContaining({ line: 4, column: 'person_id' }),
    ]);
    // Osaka's class and student are as they were; nobody of Tokyo was enrolled; nothing of the
    // valid first row was imported either.
    expect(roster.schoolClass('OS1')).toEqual(before.cls);
    expect(roster.person('o1')).toEqual(before.o1);
    expect(roster.classMembers('OS1').map((p) => p.id)).toEqual(before.members);
    expect(roster.person('new-student')).toBeUndefined();
  });

  it("an admin mints join tokens only for its own school's classes and people", async () => {
    const cases: [object, number, string][] = [
      [{ personId: 'tanaka', room: 'OS1' }, 404, 'NOT_FOUND'],
      [{ personId: 'yamada', room: '2B' }, 404, 'NOT_FOUND'],
      [{ personId: 'tanaka', room: 'no-such-room' }, 404, 'NOT_FOUND'],
      [{ personId: 'ito', room: '2B' }, 403, 'PERMISSION_DENIED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api('POST', '/api/admin/tokens', tokyo, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(await res.json()).toMatchObject({ code });
    }
    const ok = await api('POST', '/api/admin/tokens', tokyo, { personId: 'tanaka', room: '2B' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ role: 'teacher' });
  });

  it('a token naming a person of one school and a class of another is refused at join', async () => {
    // As if minted by hand with the server's secret: the roster still says whose they are.
    const forged = await t.token('OS1', 'tanaka', 'teacher');
    await expect(join(forged)).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(t.server.classrooms.has('OS1')).toBe(false);
    // Osaka's own teacher gets in.
    const { c } = await join(await t.token('OS1', 'yamada', 'teacher'));
    c.close();
  });

  it('attendance exports escape cells a spreadsheet would run as formulas', async () => {
    const start = Date.now() - 60_000;
    const lecture = await api('POST', '/api/admin/lectures', tokyo, {
      id: 'phys-1',
      classId: '2B',
      title: '+cmd|calc',
      startsAt: start,
      endsAt: start + 3_600_000,
    });
    expect(lecture.status).toBe(201);
    const csv = await (await api('GET', '/api/admin/lectures/phys-1/attendance.csv', tokyo)).text();
    const cells = csv
      .trim()
      .split('\n')
      .slice(1)
      .flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)/g) ?? [])
      .map((cell) => cell.replace(/^"|"$/g, ''));
    expect(cells.some((c) => c.startsWith("'=HYPERLINK"))).toBe(true);
    expect(cells).toContain("'@SUM(1+1)");
    expect(cells).toContain("'+cmd|calc");
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
  });

  it("a handout's print page is only for members of its class", async () => {
    const teacher = await t.token('2B', 'tanaka', 'teacher');
    const up = await fetch(`${t.httpUrl}/api/handouts?class=2B&filename=map.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${teacher}` },
      body: new Uint8Array(PNG),
    });
    expect(up.status).toBe(201);
    const { id } = (await up.json()) as { id: string };
    const print = async (identity: string, room: string) =>
      fetch(
        `${t.httpUrl}/api/handouts/${id}/print?token=${await t.token(room, identity, 'student')}`,
      );
    expect((await print('s2', '2B')).status).toBe(200);
    for (const [identity, room] of [
      ['o1', 'OS1'], // another school's student
      ['ito', '3A'], // this school, another class
      ['stranger', '2B'], // nobody on the roster
    ] as const) {
      const res = await print(identity, room);
      expect(res.status, identity).toBe(404);
      expect(await res.text()).not.toContain('map.png');
    }
  });

  it("a lecture cannot be named like a class (its room would take over that class's classroom), nor a class like a lecture", async () => {
    const lecture = (id: string, classId: string, headers: Record<string, string>) =>
      api('POST', '/api/admin/lectures', headers, {
        id,
        classId,
        title: 'x',
        startsAt: Date.now(),
        endsAt: Date.now() + 3_600_000,
      });
    for (const [id, classId, headers] of [
      ['2B', 'OS1', osaka], // another school's class
      ['3A', '2B', tokyo], // a class of its own school
    ] as const) {
      const res = await lecture(id, classId, headers);
      expect(res.status, id).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(t.server.school!.repos.roster.lecture('2B')).toBeUndefined();
    expect(t.server.classOfRoom('2B')).toBe('2B');
    expect((await lecture('osaka-art-1', 'OS1', osaka)).status).toBe(201);
    const res = await api(
      'POST',
      '/api/admin/roster',
      tokyo,
      `${HEADER}\ntokyo,Tokyo International,osaka-art-1,Hijack,s2,S2,student`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ line: 2, column: 'class_id' }] });
  });

  it("a notice's idempotency key is its sender's own: another school's key neither blocks nor reveals its notice", async () => {
    const notice = async (headers: Record<string, string>, audience: string) =>
      (await (
        await api('POST', '/api/admin/notices', headers, {
          audience,
          title: 'Storm warning',
          urgent: true,
          idempotencyKey: 'storm-1130',
        })
      ).json()) as { id: string; recipients: number };
    const tokyoNotice = await notice(tokyo, 'school:tokyo');
    const osakaNotice = await notice(osaka, 'school:osaka');
    expect(osakaNotice.id).not.toBe(tokyoNotice.id);
    expect(osakaNotice.recipients).toBe(2);
    // A retry by the same sender is still the same notice.
    expect((await notice(osaka, 'school:osaka')).id).toBe(osakaNotice.id);
  });

  it("another school's lectures and leave requests answer as if they did not exist", async () => {
    const start = Date.now() - 60_000;
    await api('POST', '/api/admin/lectures', osaka, {
      id: 'osaka-art-2',
      classId: 'OS1',
      title: 'Art',
      startsAt: start,
      endsAt: start + 3_600_000,
    });
    const { c: student } = await join(await t.token('OS1', 'o1', 'student'));
    const leave = await student.request('requestLeave', {
      classId: 'OS1',
      fromDate: '2026-12-01',
      toDate: '2026-12-01',
      reason: 'dentist',
    });
    const requestId = leave.leaveRequest!.id!;
    student.close();
    const { c: teacher } = await join(await t.token('2B', 'tanaka', 'teacher'));
    for (const [kind, body, message] of [
      ['attendanceReport', { lectureId: 'osaka-art-2' }, 'no such lecture'],
      ['decideLeave', { requestId, approve: true }, 'no such leave request'],
      ['listLeaveRequests', { classId: 'OS1' }, 'no such class'],
    ] as const) {
      await expect(
        teacher.request(kind as 'attendanceReport', body as { lectureId: string }),
        kind,
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message });
    }
    teacher.close();
    expect(t.server.school!.repos.leave.get(requestId)?.status).toBe('pending');
  });
});
