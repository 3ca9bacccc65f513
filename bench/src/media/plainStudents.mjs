// What the plain-RTP load of `fanout` and `lecture` shares: children that speak IPC, the RTP
// receiver child that counts what every plain-RTP student gets, and one measurement window
// (loss from sequence numbers, what the receiving socket dropped, jitter, CPU of given processes).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, percentile } from '../server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Forks or spawns a child that speaks IPC; `ask(message, answerKey)` awaits its answer. */
export function ipcChild(child, what) {
  let failed;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('exit', (code) => (failed = new Error(`${what} exited with ${code}`)));
  return {
    child,
    ask: (message, key, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        if (failed) return reject(failed);
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${what}: no ${key} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        const onMessage = (m) => {
          if (m.error) reject(new Error(`${what}: ${m.error}`));
          else if (!(key in m)) return;
          else resolve(m[key]);
          done();
        };
        const onExit = () => {
          done();
          reject(new Error(`${what} exited`));
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        if (message !== undefined) child.send(message);
      }),
    close: async () => {
      if (child.exitCode === null) child.send('close');
      await Promise.race([exited, sleep(3000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Datagrams the kernel dropped for the UDP socket on local `port` (its receive buffer was full). */
export function udpDrops(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(hex)) return Number(fields.at(-1));
  }
  return 0;
}

/** The fraction of a core each of `pids` uses over the next `ms`. */
export async function cpuOver(ms, pids) {
  const before = pids.map(cpuSeconds);
  const t0 = performance.now();
  await sleep(ms);
  const seconds = (performance.now() - t0) / 1000;
  return pids.map((pid, i) => (cpuSeconds(pid) - before[i]) / seconds);
}

/**
 * The receiving process every plain-RTP student sends to (one UDP port), in its own process so
 * that counting does not share the bench's event loop. `clockRates`: payload type → clock rate.
 */
export async function startReceiver(clockRates) {
  const receiver = ipcChild(
    fork(join(HERE, 'rtpReceiver.mjs'), [JSON.stringify(clockRates)]),
    'the RTP receiver',
  );
  const port = await receiver.ask(undefined, 'port');
  return { ...receiver, port };
}

/**
 * One window: what `n` plain-RTP students (their streams' SSRCs in `ssrcs`, 2 streams each) got
 * over `windowMs`, and the fraction of a core each of `pids` used meanwhile (`cpu`).
 */
export async function measureWindow({ receiver, ssrcs, n, pids, windowMs }) {
  receiver.child.send('reset');
  const dropsBefore = udpDrops(receiver.port);
  const cpu = await cpuOver(windowMs, [...pids, receiver.child.pid]);
  const dropped = udpDrops(receiver.port) - dropsBefore;
  const report = (await receiver.ask('report', 'report')).filter((s) => ssrcs.has(s.ssrc));
  const expected = report.reduce((a, s) => a + s.expected, 0);
  const received = report.reduce((a, s) => a + s.received, 0);
  const silent = n * 2 - report.length;
  const perStream = report.length ? expected / report.length : 0;
  const total = expected + silent * perStream;
  const jitter = (clock) =>
    percentile(
      report.filter((s) => s.clock === clock).map((s) => s.jitterMs),
      50,
    );
  return {
    students: n,
    loss: n === 0 ? 0 : 1 - received / total,
    // What the receiving socket dropped is the load generator's limit, not the SFU's.
    generatorLoss: n === 0 ? 0 : dropped / total,
    silentStreams: silent,
    audioJitterMs: jitter(48000),
    videoJitterMs: jitter(90000),
    cpu: cpu.slice(0, -1),
    receiverCpu: cpu.at(-1),
    packetsPerSecond: received / (windowMs / 1000),
  };
}
