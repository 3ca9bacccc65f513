// The door: what a client gets before it has proved who it is. Sockets that never join are
// closed, one address holds only so many sockets, and unauthenticated HTTP has an allowance.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  decodeServerFrameJson,
  encodeClientFrameJson,
  type ClientFrameInit,
  type ServerFrame,
} from '@cosmo/core';
import { rosterCsv } from '@cosmo/school/testing';
import type { ConfigInput } from './config.js';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { mintAdminToken } from './tokens.js';

/** A raw socket speaking the JSON form, recording what the server sends and how it closes. */
interface RawSocket {
  ws: WebSocket;
  frames: ServerFrame[];
  /** Resolves once the socket is open, or with the HTTP status that refused the upgrade. */
  opened: Promise<number>;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: ClientFrameInit): void;
}

function rawSocket(url: string, headers: Record<string, string> = {}): RawSocket {
  const ws = new WebSocket(url, 'cosmo.v1.json', { headers });
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(decodeServerFrameJson(String(data))));
  ws.on('error', () => undefined);
  return {
    ws,
    frames,
    opened: new Promise((resolve) => {
      ws.once('open', () => resolve(101));
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      ws.once('close', () => resolve(0));
    }),
    closed: new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    ),
    send: (frame) => ws.send(encodeClientFrameJson(frame)),
  };
}

/** Resolves with `promise`'s value, or with `fallback` once `ms` have passed. */
const within = <T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> =>
  Promise.race([promise, new Promise<F>((r) => setTimeout(() => r(fallback), ms))]);

describe.each(['uws', 'ws'] as const)('the door over %s', (transport) => {
  let t: EphemeralServer | undefined;
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.ws.terminate();
    await t?.close();
    t = undefined;
  });
  const start = (extra: ConfigInput = {}) =>
    startEphemeralServer({ transport, ...extra }).then((s) => (t = s));
  const open = (headers?: Record<string, string>) => {
    const s = rawSocket(t!.url, headers);
    sockets.push(s);
    return s;
  };
  const openConnections = async () =>
    (await t!.server.metrics.connections.get()).values[0]?.value ?? 0;

  it('closes sockets that never join once joinTimeoutMs has passed, telling them why', async () => {
    await start({ joinTimeoutMs: 500 });
    const idle = Array.from({ length: 50 }, () => open());
    expect(await Promise.all(idle.map((s) => s.opened))).toEqual(Array(50).fill(101));
    expect(await openConnections()).toBe(50);

    const closes = await within(Promise.all(idle.map((s) => s.closed)), 5000, 'still open');
    expect(closes).toEqual(
      Array(50).fill({ code: 1008, reason: expect.stringMatching(/no join/) as string }),
    );
    for (const s of idle) {
      expect(s.frames).toEqual([
        expect.objectContaining({
          body: 'errorEvent',
          errorEvent: { error: expect.objectContaining({ code: 'TIMEOUT' }) },
        }),
      ]);
    }
    await expect.poll(openConnections).toBe(0);
  });

  it('keeps a joined socket open past the timeout and closes it once it has left and stays idle', async () => {
    await start({ joinTimeoutMs: 500 });
    const s = open();
    await s.opened;
    s.send({
      id: 1,
      join: { token: await t!.token('bio', 'mr-li', 'teacher'), protocolVersion: PROTOCOL_VERSION },
    });
    await expect
      .poll(() => s.frames.some((f) => f.requestId === 1 && f.body === 'join'))
      .toBe(true);
    expect(await within(s.closed, 1200, 'open')).toBe('open');

    s.send({ id: 2, leave: {} });
    await expect.poll(() => s.frames.some((f) => f.requestId === 2 && f.body === 'ok')).toBe(true);
    expect(await within(s.closed, 3000, 'open')).toEqual({
      code: 1008,
      reason: expect.stringMatching(/no join/) as string,
    });
  });

  it('refuses the socket one past addressLimits.sockets from one address and lets the first ones work', async () => {
    await start({ addressLimits: { sockets: 5 } });
    const first = Array.from({ length: 5 }, () => open());
    expect(await Promise.all(first.map((s) => s.opened))).toEqual(Array(5).fill(101));

    const sixth = open();
    expect(await sixth.opened).toBe(429);
    expect(await openConnections()).toBe(5);

    first[0]!.send({ id: 7, ping: { clientTime: 1 } });
    await expect.poll(() => first[0]!.frames.some((f) => f.body === 'pong')).toBe(true);
    // A socket that closes frees its place.
    first[1]!.ws.close();
    await first[1]!.closed;
    await expect.poll(openConnections).toBe(4);
    expect(await open().opened).toBe(101);
  });

  it('answers 429 to unauthenticated requests past the burst while an admin token still works', async () => {
    await start({ addressLimits: { httpPerSecond: 0.01, httpBurst: 20 } });
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => fetch(`${t!.httpUrl}/healthz`).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const refused = await fetch(`${t!.httpUrl}/healthz`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });

    const admin = await mintAdminToken(t!.server.tokens, { schoolId: 'tokyo', identity: 'boss' });
    const roster = await fetch(`${t!.httpUrl}/api/admin/roster`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: rosterCsv(1)
        .split('\n')
        .filter((line) => !line.startsWith('osaka,'))
        .join('\n'),
    });
    expect(roster.status).toBe(200);
  });

  it('charges requests answered 401 to the same allowance', async () => {
    await start({ addressLimits: { httpPerSecond: 0.01, httpBurst: 10 } });
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${t!.httpUrl}/api/admin/classes/2B/leave`, {
        headers: { authorization: 'Bearer guessed' },
      });
      expect(res.status).toBe(401);
    }
    expect((await fetch(`${t!.httpUrl}/healthz`)).status).toBe(429);
    // The guesser is slowed too: its next tokens are not even checked.
    const guess = await fetch(`${t!.httpUrl}/api/notices/n1?receipt=guessed`);
    expect(guess.status).toBe(429);
    expect(await guess.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('a header on a route that checks no credential does not skip the allowance', async () => {
    await start({ addressLimits: { httpPerSecond: 0.01, httpBurst: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await fetch(`${t!.httpUrl}/healthz`, { headers: { authorization: 'x' } })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it('joins refused for their token draw from the same allowance, and then the address may not open sockets', async () => {
    await start({ addressLimits: { httpPerSecond: 0.01, httpBurst: 5 } });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = open();
      expect(await s.opened).toBe(101);
      s.send({ id: 1, join: { token: `forged-${i}`, protocolVersion: PROTOCOL_VERSION } });
      await s.closed;
      codes.push(s.frames[0]?.error?.code ?? '');
    }
    expect(codes).toEqual(Array(5).fill('NOT_AUTHORIZED'));
    expect(await open().opened).toBe(429);
    expect((await fetch(`${t!.httpUrl}/healthz`)).status).toBe(429);
  });

  it('with trustProxy counts each client by the last X-Forwarded-For entry', async () => {
    await start({
      trustProxy: true,
      addressLimits: { sockets: 1, httpPerSecond: 0.01, httpBurst: 2 },
    });
    const behind = (address: string) => ({ 'x-forwarded-for': `198.51.100.9, ${address}` });
    expect(await open(behind('203.0.113.7')).opened).toBe(101);
    expect(await open({ 'x-forwarded-for': '203.0.113.7' }).opened).toBe(429);
    expect(await open(behind('203.0.113.8')).opened).toBe(101);
    // IPv6 clients count per /64: they pick any address in theirs.
    expect(await open(behind('2001:db8:1:2::1')).opened).toBe(101);
    expect(await open(behind('2001:db8:1:2:ffff::9')).opened).toBe(429);

    const get = (address: string) =>
      fetch(`${t!.httpUrl}/healthz`, { headers: behind(address) }).then((r) => r.status);
    expect([await get('192.0.2.1'), await get('192.0.2.1'), await get('192.0.2.1')]).toEqual([
      200, 200, 429,
    ]);
    expect(await get('192.0.2.2')).toBe(200);
  });

  it('without trustProxy ignores X-Forwarded-For: every socket here comes from 127.0.0.1', async () => {
    await start({ addressLimits: { sockets: 1 } });
    expect(await open({ 'x-forwarded-for': '203.0.113.7' }).opened).toBe(101);
    expect(await open({ 'x-forwarded-for': '203.0.113.8' }).opened).toBe(429);
  });
});
