// join storm: N students signal into one classroom at once (token check, join, send-transport
// creation) over uWebSockets.js + protobuf, and over ws + JSON (the baseline) on the same server
// logic; join rate and p50/p99 latency. The server runs as `cosmo serve` in its own process, so
// the students' sockets do not share its CPU. (`memory` weighs the students it leaves connected.)
import WebSocket from 'ws';
import { PROTOCOL_VERSION, cosmo } from '@cosmo/core';
import { SignallingClient } from '@cosmo/client';
import { TokenService } from '@cosmo/sfu';
import { BENCH_SECRET, percentile, serve } from '../server.mjs';

/**
 * One student, with the SDK's signalling client (which acknowledges events as every Cosmo client
 * does): connect, join, create a send transport. Resolves with its client and latency.
 */
async function student(url, token, json) {
  const started = performance.now();
  const client = await SignallingClient.connect({
    url,
    WebSocket,
    format: json ? 'json' : 'binary',
    requestTimeoutMs: 60_000,
    connectTimeoutMs: 60_000,
  });
  await client.request('join', { token, protocolVersion: PROTOCOL_VERSION });
  await client.request('createTransport', {
    direction: cosmo.v1.TransportDirection.TRANSPORT_DIRECTION_SEND,
  });
  return { client, ms: performance.now() - started };
}

/** The stacks: the product's, and the baseline on the same server logic. */
export const STACKS = [
  { name: 'uWS + protobuf', transport: 'uws', json: false },
  { name: 'ws + JSON', transport: 'ws', json: true },
];

const tokens = new TokenService(BENCH_SECRET);

/**
 * `n` students join `room` at once; resolves with their clients and the storm's numbers.
 * @param {{ url: string }} server
 * @param {{ name: string, json: boolean }} stack
 */
export async function storm(server, stack, room, n) {
  const minted = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      tokens.mint({ identity: `s${i}`, name: `Student ${i}`, room, role: 'student', grants: {} }),
    ),
  );
  const t0 = performance.now();
  const joined = await Promise.all(minted.map((t) => student(server.url, t, stack.json)));
  const seconds = (performance.now() - t0) / 1000;
  const ms = joined.map((j) => j.ms);
  return {
    clients: joined.map((j) => j.client),
    row: {
      stack: stack.name,
      students: n,
      joinsPerSecond: n / seconds,
      p50Ms: percentile(ms, 50),
      p99Ms: percentile(ms, 99),
    },
  };
}

/**
 * @param {{ sizes?: number[], log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const sizes =
    options.sizes ?? (process.env.BENCH_JOIN_SIZES ?? '100,500,1000').split(',').map(Number);
  const table = [];
  for (const stack of STACKS) {
    const server = await serve({ transport: stack.transport });
    try {
      for (const n of sizes) {
        log(`join: ${stack.name}, ${n} students`);
        const { clients, row } = await storm(server, stack, `storm-${stack.transport}-${n}`, n);
        table.push(row);
        for (const c of clients) c.close();
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await server.close();
    }
  }
  const row = (stack, n) => table.find((r) => r.stack === stack && r.students === n);
  const largest = Math.max(...sizes);
  const rows = table.map((r) => ({
    label: `${r.stack}, ${r.students}: joins/s`,
    value: r.joinsPerSecond,
  }));
  return {
    title: 'Join storm: joins per second (token, join, transport)',
    unit: 'joins/s',
    rows,
    table,
    rateOverBaseline:
      row('uWS + protobuf', largest).joinsPerSecond / row('ws + JSON', largest).joinsPerSecond,
  };
}

export function print(result) {
  console.log('| stack | students | joins/s | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of result.table) {
    console.log(
      `| ${r.stack} | ${r.students} | ${r.joinsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(0)} | ${r.p99Ms.toFixed(0)} |`,
    );
  }
  console.log(`\nuWS + protobuf joins ${result.rateOverBaseline.toFixed(2)}× as fast as ws + JSON`);
}
