import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ServerFrame } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { rosterCsv } from '@cosmo/school/testing';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { mintAdminToken } from '../tokens.js';

// A real one-page PDF and a real 1x1 PNG.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('handouts', () => {
  let t: EphemeralServer;
  const events: ServerFrame[] = [];
  let student: SignallingClient;

  const upload = async (identity: string, classId: string, filename: string, body: Buffer) => {
    const token = await t.token(classId, identity, 'teacher');
    return fetch(
      `${t.httpUrl}/api/handouts?class=${classId}&filename=${encodeURIComponent(filename)}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: new Uint8Array(body),
      },
    );
  };

  beforeAll(async () => {
    t = await startEphemeralServer();
    t.server.school!.importRosterCsv(rosterCsv(3));
    student = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    student.on('event', (f) => events.push(f));
    await student.request('join', {
      token: await t.token('2B', 's1', 'student'),
      protocolVersion: PROTOCOL_VERSION,
    });
  });
  afterAll(async () => {
    student?.close();
    await t?.close();
  });

  it('a teacher hands out a PDF: students see it in class, open it, and downloads are counted', async () => {
    const res = await upload('tanaka', '2B', 'Optics worksheet.pdf', PDF);
    expect(res.status).toBe(201);
    const handout = (await res.json()) as { id: string; mime: string; sha256: string };
    expect(handout.mime).toBe('application/pdf');
    await expect
      .poll(() => events.some((e) => e.body === 'handoutAdded' && e.handoutAdded.id === handout.id))
      .toBe(true);

    const open = (identity: string) =>
      t
        .token('2B', identity, 'student')
        .then((token) => fetch(`${t.httpUrl}/api/handouts/${handout.id}?token=${token}`));
    const got = await open('s1');
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);
    await open('s1');
    await open('s2');
    expect((await open('ito')).status).toBe(404);

    const admin = `Bearer ${await mintAdminToken(t.server.tokens, { schoolId: 'tokyo', identity: 'principal' })}`;
    const downloads = await (
      await fetch(`${t.httpUrl}/api/admin/handouts/${handout.id}/downloads`, {
        headers: { authorization: admin },
      })
    ).json();
    expect(downloads).toEqual({
      downloads: [
        { personId: 's1', name: 'Student 1', count: 2 },
        { personId: 's2', name: 'Student 2', count: 1 },
        { personId: 's3', name: 'Student 3', count: 0 },
      ],
    });

    const print = await fetch(
      `${t.httpUrl}/api/handouts/${handout.id}/print?token=${await t.token('2B', 's1', 'student')}`,
    );
    expect(print.headers.get('content-type')).toContain('text/html');
    expect(await print.text()).toContain('@page{size:A4');

    // A student joining later finds it listed.
    const late = await SignallingClient.connect({
      url: t.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const joined = await late.request('join', {
      token: await t.token('2B', 's3', 'student'),
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(joined.join!.handouts!.map((h) => h.filename)).toEqual(['Optics worksheet.pdf']);
    late.close();
  });

  it('stores identical files once and accepts images', async () => {
    const a = (await (await upload('tanaka', '2B', 'a.png', PNG)).json()) as {
      sha256: string;
      mime: string;
    };
    const b = (await (await upload('tanaka', '2B', 'b.png', PNG)).json()) as { sha256: string };
    expect(a.mime).toBe('image/png');
    expect(b.sha256).toBe(a.sha256);
  });

  it('refuses wrong types, empty and oversized files, and other classes, changing nothing', async () => {
    const before = t.server.school!.repos.handouts.forClass('2B').length;
    const cases: [Promise<Response>, number, RegExp][] = [
      [
        upload('tanaka', '2B', 'virus.pdf', Buffer.from('MZ\x90\x00 this is an executable')),
        400,
        /must be a PDF or an image/,
      ],
      [
        upload('tanaka', '2B', 'notes.pdf', Buffer.from('just text pretending')),
        400,
        /must be a PDF or an image/,
      ],
      [upload('tanaka', '2B', 'empty.pdf', Buffer.alloc(0)), 400, /the file is empty/],
      [
        upload('tanaka', '2B', 'huge.pdf', Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)])),
        400,
        /at most 20 MB/,
      ],
      [upload('ito', '2B', 'x.pdf', PDF), 403, /does not teach/],
      [upload('tanaka', '9Z', 'x.pdf', PDF), 404, /no class/],
    ];
    for (const [response, status, message] of cases) {
      const res = await response;
      expect(res.status).toBe(status);
      expect(((await res.json()) as { message: string }).message).toMatch(message);
    }
    expect(t.server.school!.repos.handouts.forClass('2B')).toHaveLength(before);
    const anonymous = await fetch(`${t.httpUrl}/api/handouts?class=2B`, {
      method: 'POST',
      body: PDF,
    });
    expect(anonymous.status).toBe(401);
  });

  it('the same file uploaded five times at once is stored once, and every upload is answered 201', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => upload('tanaka', '2B', 'same.png', PNG)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(201));
    const handouts = (await Promise.all(results.map((r) => r.json()))) as { sha256: string }[];
    expect(new Set(handouts.map((h) => h.sha256)).size).toBe(1);
  });
});
