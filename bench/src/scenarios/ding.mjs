// DING fan-out: a teacher's urgent notice to 1,000 / 5,000 / 10,000 connected students. Measures
// the time from the send to each student's delivery (p50, p99, last) and to the moment the
// teacher's receipt summary says every student has read it (each student acknowledges delivery
// and reading as soon as the notice arrives). Students sit in classrooms of 100, as a school does.
// Baseline, measured on the same sockets in the same run: every student pings the server at once,
// the time to the last pong (the signalling floor for one frame each way, with no school logic).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, cosmo } from '@cosmo/core';
import { SignallingClient } from '@cosmo/client';
import { TokenService, mintAdminToken } from '@cosmo/sfu';
import { BENCH_SECRET, percentile, serve } from '../server.mjs';
import { run as runChannels } from './dingChannels.mjs';

const ROOM_SIZE = 100;
const CONNECTING = 200;
const SCHOOL = 'bench';
const TEACHER = 'ding-teacher';

/** A student or teacher with the SDK's signalling client, joined; `onEvent` gets every event. */
async function member(url, token, onEvent) {
  const client = await SignallingClient.connect({
    url,
    WebSocket,
    requestTimeoutMs: 120_000,
    connectTimeoutMs: 60_000,
  });
  client.on('event', onEvent);
  await client.request('join', { token, protocolVersion: PROTOCOL_VERSION });
  return client;
}

/** Waits for `check()`, failing after `ms` with what `progress()` says. */
async function until(what, check, ms, progress) {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline)
      throw new Error(`ding: ${what} took over ${ms / 1000} s (${progress()})`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One class per size: `ding<n>` holds students s0..s<n-1>, all taught by the bench teacher. */
function rosterCsv(sizes) {
  const rows = ['school_id,school_name,class_id,class_name,person_id,person_name,role'];
  for (const n of sizes) {
    rows.push(`${SCHOOL},Bench School,ding${n},Ding ${n},${TEACHER},Bench Teacher,teacher`);
    for (let i = 0; i < n; i++)
      rows.push(`${SCHOOL},Bench School,ding${n},Ding ${n},s${i},Student ${i},student`);
  }
  return rows.join('\n') + '\n';
}

/**
 * @param {{ sizes?: number[], channels?: { live?: number, push?: number, email?: number,
 *   emailAfterSeconds?: number }, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const connected = await runConnected(options);
  // Then the channel mix (a class of 300: 100 with the page open, 150 by push, 50 by email).
  const channels = await runChannels({ ...options.channels, log: options.log });
  return {
    ...connected,
    rows: [
      ...connected.rows,
      { label: `mix of ${channels.total}: everyone reached`, value: channels.everyoneMs },
      {
        label: `mix: baseline, ${channels.total} connected, last delivery`,
        value: channels.baselineMs,
      },
    ],
    channels,
  };
}

async function runConnected(options) {
  const log = options.log ?? ((line) => console.error(line));
  const sizes = (
    options.sizes ?? (process.env.BENCH_DING_SIZES ?? '1000,5000,10000').split(',').map(Number)
  ).sort((a, b) => a - b);
  const tokens = new TokenService(BENCH_SECRET);
  const server = await serve({ config: { rateLimit: { perSecond: 50, burst: 100 } } });
  const students = [];
  try {
    const admin = await mintAdminToken(tokens, { schoolId: SCHOOL, identity: 'bench-admin' });
    const imported = await fetch(`${server.http}/api/admin/roster`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      body: rosterCsv(sizes),
    });
    if (!imported.ok) throw new Error(`roster import: ${imported.status} ${await imported.text()}`);

    /**
     * The notice being measured, and how many students have it (counted as they get it, not
     * polled over 10,000 students).
     * @type {{ title: string, at: number, delivered: number } | undefined}
     */
    let current;
    const summaries = [];
    const teacher = await member(
      server.url,
      await tokens.mint({
        identity: TEACHER,
        name: 'Bench Teacher',
        room: 'ding-office',
        role: 'teacher',
      }),
      (frame) => {
        if (frame.receiptSummary)
          summaries.push({ at: performance.now(), ...frame.receiptSummary });
      },
    );
    let receiptErrors = 0;
    const addStudent = async (i) => {
      const student = { deliveredAt: new Map(), client: undefined };
      const token = await tokens.mint({
        identity: `s${i}`,
        name: `Student ${i}`,
        room: `ding-room-${Math.floor(i / ROOM_SIZE)}`,
        role: 'student',
      });
      student.client = await member(server.url, token, (frame) => {
        const notice = frame.notification;
        if (!notice || notice.title !== current?.title || student.deliveredAt.has(notice.title))
          return;
        student.deliveredAt.set(notice.title, performance.now());
        current.delivered++;
        for (const kind of [
          cosmo.v1.ReceiptKind.RECEIPT_KIND_DELIVERED,
          cosmo.v1.ReceiptKind.RECEIPT_KIND_READ,
        ])
          student.client
            .request('notificationReceipt', { notificationId: notice.id, kind })
            .catch(() => receiptErrors++);
      });
      students[i] = student;
    };

    const table = [];
    for (const n of sizes) {
      // Connect the students this round adds, CONNECTING at a time.
      for (let next = students.length; next < n;) {
        const batch = [];
        while (batch.length < CONNECTING && next < n) batch.push(addStudent(next++));
        await Promise.all(batch);
        if (next % 1000 === 0 || next === n) log(`ding: ${next}/${n} students connected`);
      }
      const round = students.slice(0, n);

      // Baseline: every student pings at once.
      const p0 = performance.now();
      const pongs = await Promise.all(
        round.map((s) =>
          s.client.request('ping', { clientTime: 0 }).then(() => performance.now() - p0),
        ),
      );

      log(`ding: notice to ${n} students`);
      current = { title: `DING to ${n}`, at: performance.now(), delivered: 0 };
      const t0 = current.at;
      const sent = await teacher.request('sendNotification', {
        audience: `class:ding${n}`,
        title: current.title,
        body: 'Fire drill at 10:30. Leave by the east stairs.',
        priority: cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_URGENT,
        idempotencyKey: randomUUID(),
      });
      const ackMs = performance.now() - t0;
      const id = sent.sendNotification.notificationId;
      await until(
        'delivery',
        () => current.delivered === n,
        120_000,
        () => `${current.delivered}/${n} delivered`,
      );
      const lastOf = (field) => summaries.find((s) => s.notificationId === id && s[field] === n);
      const readSummaries = () => summaries.filter((s) => s.notificationId === id);
      await until(
        'the complete read summary',
        () => lastOf('read'),
        300_000,
        () =>
          `last summary ${JSON.stringify(readSummaries().at(-1) ?? {})}, ${receiptErrors} receipts refused`,
      );
      const delays = round.map((s) => s.deliveredAt.get(current.title) - t0);
      table.push({
        students: n,
        ackMs,
        deliveryP50Ms: percentile(delays, 50),
        deliveryP99Ms: percentile(delays, 99),
        lastDeliveryMs: Math.max(...delays),
        allDeliveredReceiptsMs: lastOf('delivered').at - t0,
        allReadMs: lastOf('read').at - t0,
        summaries: readSummaries().length,
        pingP50Ms: percentile(pongs, 50),
        lastPongMs: Math.max(...pongs),
      });
    }
    teacher.close();
    const rows = table.flatMap((r) => [
      { label: `${r.students}: last delivery`, value: r.lastDeliveryMs },
      { label: `${r.students}: everyone has read (summary)`, value: r.allReadMs },
      { label: `${r.students}: baseline, last of ${r.students} pongs`, value: r.lastPongMs },
    ]);
    const largest = table.at(-1);
    return {
      title: 'DING: from a notice to its last delivery and its complete read summary',
      unit: 'ms',
      rows,
      table,
      deliveryOverBaseline: largest.lastDeliveryMs / largest.lastPongMs,
      receiptErrors,
    };
  } finally {
    for (const s of students) s?.client?.close();
    await server.close();
  }
}

export function print(result) {
  console.log(
    '| students | send ack ms | delivery p50 ms | p99 ms | last ms | all delivered ms | all read ms | summaries | baseline: last pong ms |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const f = (v) => v.toFixed(0);
  for (const r of result.table) {
    console.log(
      `| ${r.students} | ${f(r.ackMs)} | ${f(r.deliveryP50Ms)} | ${f(r.deliveryP99Ms)} | ${f(r.lastDeliveryMs)} | ${f(r.allDeliveredReceiptsMs)} | ${f(r.allReadMs)} | ${r.summaries} | ${f(r.lastPongMs)} |`,
    );
  }
  console.log(
    `\nthe last delivery to ${result.table.at(-1).students} takes ${result.deliveryOverBaseline.toFixed(2)}× the time of as many pings`,
  );
  const c = result.channels;
  console.log(`\nchannel mix (email after ${c.emailAfterSeconds} s):\n`);
  console.log('| channel | recipients | reached | p50 ms | last ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of c.table)
    console.log(
      `| ${r.channel} | ${r.recipients} | ${r.reached} | ${f(r.p50Ms)} | ${f(r.lastMs)} |`,
    );
  console.log(
    `\nsend → everyone of ${c.total} reached: ${f(c.everyoneMs)} ms (baseline: the same ${c.total} all connected, last live delivery ${f(c.baselineMs)} ms); unreached: ${c.unreached}`,
  );
}
