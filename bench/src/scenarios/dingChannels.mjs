// DING across channels: an urgent notice to a class of whom some have the page open (live), some
// only a phone with notifications on (Web Push), some only email. Measures send → each recipient
// reached on their channel, and send → everyone reached. A push service and an SMTP server run on
// loopback in this process and count what arrives (the e2e tests decrypt and read it; here only
// the time matters). Baseline, in the same run on the same server: the same notice to the same
// number of students all connected, send → last live delivery.
import { createECDH, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import WebSocket from 'ws';
import { SMTPServer } from 'smtp-server';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient } from '@cosmo/client';
import { TokenService, mintAdminToken } from '@cosmo/sfu';
import { BENCH_SECRET, percentile, serve } from '../server.mjs';

const SCHOOL = 'bench';

/** A push service on loopback: answers 201 and notes when each device got its push. */
async function pushService(onPush) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      onPush(decodeURIComponent(req.url.replace(/^\/push\//, '')), performance.now());
      res.writeHead(201).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    /** A browser-like subscription for `id` (a real P-256 key: web-push encrypts to it). */
    device(id) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      return {
        endpoint: `http://127.0.0.1:${port}/push/${encodeURIComponent(id)}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
      };
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** An SMTP server on loopback: notes when each address got its email. */
async function mailbox(onMail) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      stream.resume();
      stream.on('end', () => {
        for (const to of session.envelope.rcptTo) onMail(to.address, performance.now());
        done();
      });
    },
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.server.address().port, close: () => new Promise((r) => server.close(r)) };
}

/**
 * @param {{ live?: number, push?: number, email?: number, emailAfterSeconds?: number,
 *   log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const live = options.live ?? 100;
  const push = options.push ?? 150;
  const email = options.email ?? 50;
  const emailAfterSeconds = options.emailAfterSeconds ?? 2;
  const total = live + push + email;
  const reached = new Map();
  const reach = (id, at) => {
    if (!reached.has(id)) reached.set(id, at);
  };
  const pushes = await pushService((device, at) => reach(device, at));
  const mail = await mailbox((address, at) => reach(address.split('@')[0], at));
  const server = await serve({
    config: {
      pushEndpointHosts: ['127.0.0.1'],
      smtpHost: '127.0.0.1',
      smtpPort: mail.port,
      smtpFrom: 'notices@bench.example',
      noticePushGraceMs: 60_000,
    },
  });
  const tokens = new TokenService(BENCH_SECRET);
  const clients = [];
  try {
    const id = (i) => `c${i}`;
    const channelOf = (i) => (i < live ? 'live' : i < live + push ? 'push' : 'email');
    const rows = ['school_id,school_name,class_id,class_name,person_id,person_name,role,email'];
    rows.push(`${SCHOOL},Bench School,office,Office,bench-admin,Bench Admin,admin,`);
    for (let i = 0; i < total; i++) {
      const address = channelOf(i) === 'email' ? `${id(i)}@students.bench.example` : '';
      rows.push(`${SCHOOL},Bench School,mix,Mix,${id(i)},Student ${i},student,${address}`);
      rows.push(`${SCHOOL},Bench School,all,All,${id(i)},Student ${i},student,${address}`);
    }
    const admin = `Bearer ${await mintAdminToken(tokens, { schoolId: SCHOOL, identity: 'bench-admin' })}`;
    const imported = await fetch(`${server.http}/api/admin/roster`, {
      method: 'POST',
      headers: { authorization: admin, 'content-type': 'text/csv' },
      body: rows.join('\n') + '\n',
    });
    if (!imported.ok) throw new Error(`roster import: ${imported.status} ${await imported.text()}`);

    // Everyone in the baseline class is connected; in the mix only the first `live`.
    let current;
    const connect = async (i, room) => {
      const token = await tokens.mint({
        identity: id(i),
        name: `Student ${i}`,
        room,
        role: 'student',
      });
      const client = await SignallingClient.connect({ url: server.url, WebSocket });
      client.on('event', (frame) => {
        if (current && frame.notification?.title === current.title)
          current.reached.set(id(i), performance.now());
      });
      await client.request('join', { token, protocolVersion: PROTOCOL_VERSION });
      clients[i] = client;
    };
    for (let i = 0; i < total; i += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, total - i) }, (_, k) =>
          connect(i + k, `room-${Math.floor((i + k) / 50)}`),
        ),
      );
    for (let i = live; i < live + push; i++) {
      const token = await tokens.mint({
        identity: id(i),
        name: `S${i}`,
        room: 'mix',
        role: 'student',
      });
      const res = await fetch(`${server.http}/api/push/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...pushes.device(id(i)), device: 'bench phone' }),
      });
      if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
    }
    const send = async (audience, title, extra) => {
      const res = await fetch(`${server.http}/api/admin/notices`, {
        method: 'POST',
        headers: { authorization: admin, 'content-type': 'application/json' },
        body: JSON.stringify({
          audience,
          title,
          body: 'Typhoon: school closed tomorrow.',
          urgent: true,
          ...extra,
        }),
      });
      if (res.status !== 201) throw new Error(`send: ${res.status} ${await res.text()}`);
    };

    // Baseline: all connected.
    log(`ding channels: baseline, ${total} connected`);
    current = { title: 'baseline', reached: new Map() };
    let t0 = performance.now();
    await send('class:all', current.title, { emailAfterSeconds: null });
    while (current.reached.size < total) await new Promise((r) => setTimeout(r, 5));
    const baselineMs = Math.max(...current.reached.values()) - t0;

    // The mix: only the first `live` students have the page open.
    for (const c of clients.splice(live)) c?.close();
    await new Promise((r) => setTimeout(r, 500));
    log(
      `ding channels: ${live} live, ${push} push, ${email} email (email after ${emailAfterSeconds} s)`,
    );
    current = { title: 'mix', reached };
    t0 = performance.now();
    await send('class:mix', current.title, { emailAfterSeconds });
    const deadline = t0 + 60_000 + emailAfterSeconds * 1000;
    while (reached.size < total && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const times = { live: [], push: [], email: [] };
    for (let i = 0; i < total; i++) {
      const at = reached.get(id(i));
      if (at !== undefined) times[channelOf(i)].push(at - t0);
    }
    const last = (list) => (list.length ? Math.max(...list) : NaN);
    const table = Object.entries(times).map(([channel, list]) => ({
      channel,
      recipients: { live, push, email }[channel],
      reached: list.length,
      p50Ms: percentile(list, 50),
      lastMs: last(list),
    }));
    const everyoneMs = reached.size === total ? last([...reached.values()]) - t0 : NaN;
    return {
      table,
      total,
      everyoneMs,
      baselineMs,
      emailAfterSeconds,
      unreached: total - reached.size,
    };
  } finally {
    for (const c of clients) c?.close();
    await server.close();
    await pushes.close();
    await mail.close();
  }
}
