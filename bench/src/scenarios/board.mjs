// Board fan-out: a teacher draws on the shared board of a classroom of 300 students. Measures,
// for each stroke, the time from the teacher's send to each student's delivery (p50, p99, last)
// and the bytes a stroke costs: the y-protocols update, the frame each student receives, and what
// the server writes in all. Baseline, measured on the same sockets in the same run: the teacher's
// chat message to the same 300 (the same fan-out path with no board logic).
import * as encoding from 'lib0/encoding';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { BOARD_MESSAGE_SYNC, BOARD_PAGES, PROTOCOL_VERSION, boardPageKey } from '@cosmo/core';
import { SignallingClient } from '@cosmo/client';
import { TokenService } from '@cosmo/sfu';
import { BENCH_SECRET, cpuSeconds, percentile, serve } from '../server.mjs';

const ROOM = 'board-bench';
const CONNECTING = 100;

async function member(url, token, onEvent) {
  const client = await SignallingClient.connect({
    url,
    WebSocket,
    requestTimeoutMs: 60_000,
    connectTimeoutMs: 60_000,
  });
  client.on('event', onEvent);
  await client.request('join', { token, protocolVersion: PROTOCOL_VERSION });
  return client;
}

/** A freehand stroke of `n` points, as the element stores it (x, y, pressure triples). */
function strokeOf(i, n) {
  const points = [];
  for (let k = 0; k < n; k++)
    points.push(
      Math.round(100 + k * 6 + i) / 1,
      Math.round((300 + 80 * Math.sin((k + i) / 6)) * 10) / 10,
      Math.round((0.4 + 0.3 * Math.sin(k / 9)) * 100) / 100,
    );
  return {
    t: 'stroke',
    id: `s${i}`,
    by: 'bench-teacher',
    at: Date.now(),
    color: '#1f4e8c',
    size: 4,
    points,
  };
}

/** The framed y-protocols update a change of `doc` makes. */
function changeOf(doc, f) {
  let update;
  const grab = (u) => (update = u);
  doc.on('update', grab);
  doc.transact(() => f(doc));
  doc.off('update', grab);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
  sync.writeUpdate(e, update);
  return { message: encoding.toUint8Array(e), updateBytes: update.length };
}

/**
 * @param {{ students?: number, strokes?: number, points?: number, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const size = options.students ?? Number(process.env.BENCH_BOARD_STUDENTS ?? 300);
  const strokes = options.strokes ?? 60;
  const points = options.points ?? 120;
  const tokens = new TokenService(BENCH_SECRET);
  const server = await serve({
    config: { identityLimits: { chatPerSecond: 1000, chatBurst: 1000 } },
  });
  const students = [];
  try {
    /** @type {{ kind: 'board' | 'chat', n: number, at: number } | undefined} */
    let current;
    const arrivals = { board: [], chat: [] };
    let relayBytes = 0;
    const teacher = await member(
      server.url,
      await tokens.mint({
        identity: 'bench-teacher',
        name: 'Teacher',
        room: ROOM,
        role: 'teacher',
      }),
      () => undefined,
    );
    for (let i = 0; i < size; i += CONNECTING) {
      const batch = [];
      for (let k = i; k < Math.min(size, i + CONNECTING); k++)
        batch.push(
          tokens
            .mint({ identity: `s${k}`, name: `Student ${k}`, room: ROOM, role: 'student' })
            .then((token) =>
              member(server.url, token, (frame) => {
                const kind = frame.boardEvent ? 'board' : frame.chat ? 'chat' : undefined;
                if (!kind || !current || current.kind !== kind) return;
                arrivals[kind][current.n].push(performance.now() - current.at);
                if (kind === 'board' && k === 0) relayBytes = frame.boardEvent.message.length;
              }),
            ),
        );
      students.push(...(await Promise.all(batch)));
      log(`board: ${students.length}/${size} students joined`);
    }
    const doc = new Y.Doc();
    await teacher.request('boardMessage', {
      message: changeOf(doc, (d) => d.getArray(BOARD_PAGES).push(['1'])).message,
    });

    const waitAll = async (list) => {
      const deadline = performance.now() + 30_000;
      while (list.length < size && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 2));
      if (list.length < size) throw new Error(`board: ${list.length}/${size} students got it`);
    };
    const cpuBefore = cpuSeconds(server.pid);
    const wallBefore = performance.now();
    const updateBytes = [];
    const messageBytes = [];
    // Alternate: a stroke, then (baseline) a chat message of the same fan-out, each to everyone.
    for (let n = 0; n < strokes; n++) {
      const { message, updateBytes: u } = changeOf(doc, (d) =>
        d.getArray(boardPageKey('1')).push([strokeOf(n, points)]),
      );
      updateBytes.push(u);
      messageBytes.push(message.length);
      arrivals.board[n] = [];
      current = { kind: 'board', n, at: performance.now() };
      await teacher.request('boardMessage', { message });
      await waitAll(arrivals.board[n]);
      arrivals.chat[n] = [];
      current = { kind: 'chat', n, at: performance.now() };
      await teacher.request('sendChat', { text: `line ${n}: ${'あ'.repeat(40)}` });
      await waitAll(arrivals.chat[n]);
      current = undefined;
    }
    const serverCpu =
      (cpuSeconds(server.pid) - cpuBefore) / ((performance.now() - wallBefore) / 1000);
    const stats = (kind) => {
      const all = arrivals[kind].flat();
      const lasts = arrivals[kind].map((a) => Math.max(...a));
      return { p50: percentile(all, 50), p99: percentile(all, 99), lastP50: percentile(lasts, 50) };
    };
    const board = stats('board');
    const chat = stats('chat');
    const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
    const result = {
      title: `Board fan-out to ${size} students (${strokes} strokes of ${points} points)`,
      unit: 'ms',
      students: size,
      strokes,
      points,
      board,
      chat,
      ratioP99: board.p99 / chat.p99,
      updateBytes: mean(updateBytes),
      messageBytes: mean(messageBytes),
      relayBytes,
      bytesOutPerStroke: relayBytes * size,
      serverCpu,
      rows: [
        { label: 'stroke delivery p50', value: board.p50 },
        { label: 'stroke delivery p99', value: board.p99 },
        { label: 'stroke: last student (median over strokes)', value: board.lastP50 },
        { label: 'baseline chat delivery p50', value: chat.p50 },
        { label: 'baseline chat delivery p99', value: chat.p99 },
        { label: 'baseline chat: last student (median)', value: chat.lastP50 },
      ],
    };
    return result;
  } finally {
    for (const s of students) s.close();
    await server.close();
  }
}

export function print(r) {
  console.log('| to | p50 ms | p99 ms | last student (median) ms |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(
    `| stroke | ${r.board.p50.toFixed(1)} | ${r.board.p99.toFixed(1)} | ${r.board.lastP50.toFixed(1)} |`,
  );
  console.log(
    `| baseline: chat | ${r.chat.p50.toFixed(1)} | ${r.chat.p99.toFixed(1)} | ${r.chat.lastP50.toFixed(1)} |`,
  );
  console.log(
    `\nstroke p99 = ${r.ratioP99.toFixed(2)} × chat p99; a stroke of ${r.points} points: ` +
      `${r.updateBytes.toFixed(0)} B update, ${r.relayBytes} B of board message to each student, ` +
      `${(r.bytesOutPerStroke / 1024).toFixed(0)} KiB out for ${r.students}; server CPU ${(r.serverCpu * 100).toFixed(0)}% of a core`,
  );
}
