import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EVENT_ACK_INTERVAL, PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import type { ConfigInput } from './config.js';

const connect = (url: string, format: 'binary' | 'json' = 'binary') =>
  SignallingClient.connect({
    url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    format,
  });

describe.each(['uws', 'ws'] as const)('signalling over %s', (transport) => {
  let t: EphemeralServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const start = (extra: ConfigInput = {}) =>
    startEphemeralServer({ transport, ...extra }).then((s) => (t = s));

  it('answers every request, results and errors alike, with the request id', async () => {
    await start();
    const c = await connect(t!.url);
    const pong = await c.request('ping', { clientTime: 42 });
    expect(pong.pong?.clientTime).toBe(42);
    await expect(c.request('raiseHand', {})).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const joined = await c.request('join', {
      token: await t!.token('bio', 'mr-li', 'teacher'),
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(joined.join?.routerRtpCapabilities?.codecs?.length).toBeGreaterThan(3);
    expect(joined.join?.self?.identity).toBe('mr-li');
    await expect(c.request('join', { token: 'x', protocolVersion: 1 })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await expect(
      c.request('consume', { transportId: 'nope', producerId: 'nope' }),
    ).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    c.close();
  });

  it('speaks the JSON form to clients that ask for it', async () => {
    await start();
    const c = await connect(t!.url, 'json');
    const joined = await c.request('join', {
      token: await t!.token('bio', 'mr-li', 'teacher'),
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(joined.join?.participantId).toBeTruthy();
    c.close();
  });

  it.each([
    ['missing', async () => ''],
    ['tampered', async () => (await t!.token('bio', 'eve', 'student')).slice(0, -4) + 'AAAA'],
    [
      'expired',
      async () =>
        t!.server.tokens.mint({ room: 'bio', identity: 'eve', name: 'Eve', role: 'student' }, -1),
    ],
  ])('a %s token is refused with NOT_AUTHORIZED and the socket is closed', async (_kind, token) => {
    await start();
    const c = await connect(t!.url);
    const closed = new Promise<number>((resolve) => c.once('closed', (code) => resolve(code)));
    await expect(
      c.request('join', { token: await token(), protocolVersion: PROTOCOL_VERSION }),
    ).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
    });
    expect(await closed).toBe(4001);
    expect(t!.server.classrooms.size).toBe(0);
  });

  it('an old protocol version is refused with UNSUPPORTED_VERSION', async () => {
    await start();
    const c = await connect(t!.url);
    await expect(
      c.request('join', { token: await t!.token('bio', 'a', 'student'), protocolVersion: 99 }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_VERSION' });
  });

  it('a flood of garbage and of valid frames closes that socket while another client is served', async () => {
    await start({ rateLimit: { perSecond: 20, burst: 20 }, maxViolations: 10 });
    const abuser = await connect(t!.url);
    const errors: string[] = [];
    abuser.on('event', (f) => {
      if (f.body === 'errorEvent') errors.push(f.errorEvent.error!.code!);
    });
    const refusals: Promise<unknown>[] = [];
    const closed = new Promise<number>((resolve) => abuser.once('closed', (code) => resolve(code)));
    const good = await connect(t!.url);

    const answered: number[] = [];
    const pinging = (async () => {
      for (let i = 0; i < 10; i++) {
        answered.push((await good.request('ping', { clientTime: i })).pong!.clientTime!);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    for (let i = 0; i < 200 && !abuser.closed; i++) {
      abuser.sendRaw(Uint8Array.from({ length: 64 }, () => Math.floor(Math.random() * 256)));
      refusals.push(
        abuser.request('ping', { clientTime: i }).catch((e: { code: string }) => e.code),
      );
    }
    expect(await closed).toBe(1008);
    await pinging;
    expect(answered).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Garbage got BAD_FRAME events; valid requests got answers, then RATE_LIMITED, then CLOSED.
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors)).toEqual(new Set(['BAD_FRAME']));
    // Each valid request was answered, refused as RATE_LIMITED, or failed as CLOSED: none hangs.
    const outcomes = await Promise.all(refusals);
    for (const o of outcomes) {
      expect(typeof o === 'object' || o === 'RATE_LIMITED' || o === 'CLOSED').toBe(true);
    }
    const bad = await t!.server.metrics.registry.getSingleMetricAsString('cosmo_bad_frames_total');
    expect(Number(/ (\d+)$/m.exec(bad)![1])).toBeGreaterThan(0);
    good.close();
  });

  it('a dropped client resumes its session and gets the events it missed, in order', async () => {
    await start({ resumeGraceMs: 5000 });
    const teacher = await connect(t!.url);
    await teacher.request('join', {
      token: await t!.token('bio', 'mr-li', 'teacher'),
      protocolVersion: PROTOCOL_VERSION,
    });
    const studentToken = await t!.token('bio', 'aiko', 'student');
    const first = await connect(t!.url);
    const joined = (
      await first.request('join', { token: studentToken, protocolVersion: PROTOCOL_VERSION })
    ).join!;
    let lastSeq = 0;
    first.on('event', (f) => (lastSeq = Math.max(lastSeq, f.seq)));
    await teacher.request('sendChat', { text: 'before the drop' });
    await new Promise((r) => setTimeout(r, 100));
    expect(lastSeq).toBeGreaterThan(0);
    first.close(4000, 'network lost');

    await teacher.request('sendChat', { text: 'while you were away 1' });
    await teacher.request('sendChat', { text: 'while you were away 2' });
    const classroom = t!.server.classrooms.get('bio')!;
    expect(classroom.participants.has(joined.participantId!)).toBe(true);

    const second = await connect(t!.url);
    const replayed: string[] = [];
    second.on('event', (f) => {
      if (f.body === 'chat') replayed.push(f.chat.text!);
    });
    const resumed = await second.request('resume', {
      token: studentToken,
      sessionId: joined.sessionId!,
      lastSeq,
    });
    expect(resumed.resume?.replayed).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(replayed).toEqual(['while you were away 1', 'while you were away 2']);
    // Same participant, same session: nobody saw them leave.
    expect(classroom.participants.has(joined.participantId!)).toBe(true);
    await expect(
      second.request('resume', {
        token: await t!.token('bio', 'eve', 'student'),
        sessionId: joined.sessionId!,
        lastSeq,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a join storm: everyone learns of everyone exactly once, batched or not', async () => {
    await start();
    const n = 40;
    const known: Set<string>[] = [];
    let announcements = 0;
    const clients = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const c = await connect(t!.url);
        const seen = new Set<string>();
        known[i] = seen;
        const learn = (id: string) => {
          // Nobody is announced twice, nor to themselves.
          expect(seen.has(id)).toBe(false);
          seen.add(id);
        };
        c.on('event', (f) => {
          if (f.body === 'participantJoined') learn(f.participantJoined.participant!.id!);
          if (f.body === 'participantsJoined')
            for (const p of f.participantsJoined.participants!) learn(p.id!);
          if (f.body === 'participantJoined' || f.body === 'participantsJoined') announcements++;
        });
        const joined = await c.request('join', {
          token: await t!.token('storm', `s${i}`, 'student'),
          protocolVersion: PROTOCOL_VERSION,
        });
        for (const p of joined.join!.participants!) learn(p.id!);
        seen.add(joined.join!.participantId!);
        return c;
      }),
    );
    await expect.poll(() => known.every((seen) => seen.size === n)).toBe(true);
    // How few events it takes depends on how the joins fall into turns: the bench measures it.
    expect(announcements).toBeGreaterThan(0);
    for (const c of clients) c.close();
  });

  it('forgets events the client acknowledged, and a resume still replays the rest', async () => {
    await start({
      resumeGraceMs: 5000,
      rateLimit: { perSecond: 200, burst: 200 },
      identityLimits: {
        requestsPerSecond: 200,
        requestBurst: 200,
        chatPerSecond: 200,
        chatBurst: 200,
      },
    });
    const teacher = await connect(t!.url);
    await teacher.request('join', {
      token: await t!.token('bio', 'mr-li', 'teacher'),
      protocolVersion: PROTOCOL_VERSION,
    });
    const token = await t!.token('bio', 'aiko', 'student');
    const student = await connect(t!.url);
    const joined = (await student.request('join', { token, protocolVersion: PROTOCOL_VERSION }))
      .join!;
    let lastSeq = 0;
    student.on('event', (f) => (lastSeq = Math.max(lastSeq, f.seq)));
    const chats = EVENT_ACK_INTERVAL * 2 + 10;
    for (let i = 0; i < chats; i++) await teacher.request('sendChat', { text: `line ${i}` });
    const p = t!.server.classrooms.get('bio')!.participant(joined.participantId);
    // The client acknowledged twice (every EVENT_ACK_INTERVAL events): the server keeps the rest.
    await expect.poll(() => p.eventsAfter(0)).toBeUndefined();
    await expect.poll(() => p.eventsAfter(lastSeq - 10)?.length).toBe(10);
    expect(p.eventsAfter(2 * EVENT_ACK_INTERVAL)).toBeDefined();

    student.close(4000, 'network lost');
    await teacher.request('sendChat', { text: 'while you were away' });
    const again = await connect(t!.url);
    const replayed: string[] = [];
    again.on('event', (f) => f.body === 'chat' && replayed.push(f.chat.text!));
    await again.request('resume', { token, sessionId: joined.sessionId!, lastSeq });
    await expect.poll(() => replayed).toEqual(['while you were away']);
  });

  it('a second server on the same port fails to start instead of sharing its connections', async () => {
    await start();
    await expect(startEphemeralServer({ transport, port: t!.server.port })).rejects.toThrow(
      /port|EADDRINUSE/,
    );
    expect(
      (await fetch(t!.url.replace('ws://', 'http://').replace('/ws', '/healthz'))).status,
    ).toBe(200);
  });

  it('serves /healthz and Prometheus /metrics on the same port', async () => {
    await start();
    const base = t!.url.replace('ws://', 'http://').replace('/ws', '');
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', workers: 1 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'cosmo_rooms',
      'cosmo_participants',
      'cosmo_producers',
      'cosmo_consumers',
      'cosmo_frames_in_total',
      'cosmo_bad_frames_total',
      'cosmo_rejected_requests_total',
      'cosmo_worker_cpu_seconds',
    ]) {
      expect(metrics).toContain(name);
    }
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
