// fan-out: one teacher (the same RTP clip, VP8 ~1 Mbit/s at 25 fps + Opus, looped by ffmpeg) to
// many students through one mediasoup worker.
// 1. Ceiling: N plain-RTP students on loopback (cheap receivers, counted by a separate process),
//    N rising until more than 0.5% of packets are lost: loss, jitter, worker CPU per student, the
//    largest N one worker core carries. A few real WebRTC students (BENCH_FANOUT_ALONGSIDE, 3)
//    watch alongside as a sanity check: the slowest one's frame rate at each step.
// 2. Per-student cost with real WebRTC students (@roamhq/wrtc, SRTP, decoding what they get):
//    through Cosmo, and through Janus's streaming plugin fed the same RTP (the baseline), one
//    after the other in the same run: SFU CPU per student = (CPU with V students - CPU with
//    none) / V. A Node WebRTC student decoding this clip costs ~7% of a core itself, so the
//    default is 16 of them (BENCH_FANOUT_VIEWERS): more starve the students of CPU, not the SFU.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient } from '@cosmo/client';
import { startEphemeralServer } from '@cosmo/sfu';
import {
  JANUS_AUDIO_PORT,
  JANUS_MOUNTPOINT,
  JANUS_VIDEO_PORT,
  startJanus,
} from '../media/janus.mjs';
import { AUDIO_RTP, VIDEO_RTP, feedTeacher } from '../media/teacher.mjs';
import { cpuSeconds, percentile } from '../server.mjs';

const MEDIA = join(dirname(fileURLToPath(import.meta.url)), '..', 'media');
const ROOM = 'bench-fanout';
const MAX_LOSS = 0.005;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Forks or spawns a child that speaks IPC; `ask(message, answerKey)` awaits its answer. */
function ipcChild(child, what) {
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
function udpDrops(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(hex)) return Number(fields.at(-1));
  }
  return 0;
}

/** The fraction of a core each of `pids` uses over the next `ms`. */
async function cpuOver(ms, pids) {
  const before = pids.map(cpuSeconds);
  const t0 = performance.now();
  await sleep(ms);
  const seconds = (performance.now() - t0) / 1000;
  return pids.map((pid, i) => (cpuSeconds(pid) - before[i]) / seconds);
}

/** The Cosmo side: a server in this process, the teacher's clip ingested into its classroom. */
async function cosmoClassroom() {
  const server = await startEphemeralServer({ maxParticipants: 5000 });
  const teacher = await SignallingClient.connect({ url: server.url, WebSocket });
  await teacher.request('join', {
    token: await server.token(ROOM, 'teacher', 'teacher'),
    protocolVersion: PROTOCOL_VERSION,
  });
  const classroom = server.server.classrooms.get(ROOM);
  const participant = [...classroom.participants.values()].find((p) => p.identity === 'teacher');
  const video = await classroom.ingestRtp(participant, 'camera', VIDEO_RTP);
  const audio = await classroom.ingestRtp(participant, 'microphone', AUDIO_RTP);
  const feeder = feedTeacher({ audioPort: audio.port, videoPort: video.port });
  return {
    server,
    classroom,
    producers: [video.producer, audio.producer],
    close: async () => {
      feeder.stop();
      teacher.close();
      await server.close();
    },
  };
}

/** Part 1: plain-RTP students, N rising until loss passes MAX_LOSS. */
async function ceiling(cosmo, { steps, settleMs, windowMs, log, sanity }) {
  const { router } = cosmo.classroom;
  const clockRates = Object.fromEntries(
    router.rtpCapabilities.codecs.map((c) => [c.preferredPayloadType, c.clockRate]),
  );
  const receiver = ipcChild(
    fork(join(MEDIA, 'rtpReceiver.mjs'), [JSON.stringify(clockRates)]),
    'the RTP receiver',
  );
  const port = await receiver.ask(undefined, 'port');
  const transports = [];
  const ssrcs = new Set();
  const table = [];
  try {
    for (const n of [0, ...steps]) {
      while (transports.length < n) {
        const transport = await router.createPlainTransport({
          listenIp: { ip: '127.0.0.1' },
          rtcpMux: true,
          comedia: false,
        });
        await transport.connect({ ip: '127.0.0.1', port });
        for (const producer of cosmo.producers) {
          const consumer = await transport.consume({
            producerId: producer.id,
            rtpCapabilities: router.rtpCapabilities,
          });
          ssrcs.add(consumer.rtpParameters.encodings[0].ssrc);
        }
        transports.push(transport);
      }
      log(`fan-out: ${n} plain-RTP students`);
      await sleep(settleMs);
      receiver.child.send('reset');
      const dropsBefore = udpDrops(port);
      const framesBefore = sanity && (await sanity.ask('report', 'report'));
      const [worker, rx] = await cpuOver(windowMs, [cosmo.classroom.workerPid, receiver.child.pid]);
      const framesAfter = sanity && (await sanity.ask('report', 'report'));
      const dropped = udpDrops(port) - dropsBefore;
      const report = (await receiver.ask('report', 'report')).filter((s) => ssrcs.has(s.ssrc));
      const expected = report.reduce((a, s) => a + s.expected, 0);
      const received = report.reduce((a, s) => a + s.received, 0);
      const silent = n * 2 - report.length;
      const perStream = report.length ? expected / report.length : 0;
      const total = expected + silent * perStream;
      const loss = n === 0 ? 0 : 1 - received / total;
      // What the receiving socket dropped is the load generator's limit, not the SFU's.
      const generatorLoss = n === 0 ? 0 : dropped / total;
      const jitter = (clock) =>
        percentile(
          report.filter((s) => s.clock === clock).map((s) => s.jitterMs),
          50,
        );
      table.push({
        students: n,
        loss,
        generatorLoss,
        silentStreams: silent,
        audioJitterMs: jitter(48000),
        videoJitterMs: jitter(90000),
        workerCpu: worker,
        receiverCpu: rx,
        packetsPerSecond: received / (windowMs / 1000),
        // The WebRTC students watching alongside: the slowest one's decoded frames per second.
        webrtcFpsMin: sanity
          ? Math.min(
              ...framesAfter.map((r, i) => (r.video - framesBefore[i].video) / (windowMs / 1000)),
            )
          : NaN,
      });
      const last = table.at(-1);
      log(
        `fan-out: ${n} students: loss ${(last.loss * 100).toFixed(2)}%, worker ${(worker * 100).toFixed(0)}% of a core`,
      );
      if (n > 0 && loss - generatorLoss > MAX_LOSS) break;
      if (generatorLoss > MAX_LOSS) {
        log('fan-out: the receiving process cannot keep up; stopping the ceiling here');
        break;
      }
    }
  } finally {
    for (const t of transports) t.close();
    await receiver.close();
  }
  const idle = table[0].workerCpu;
  const carried = table.filter((r) => r.students > 0 && r.loss - r.generatorLoss <= MAX_LOSS);
  const top = carried.at(-1);
  return {
    table,
    maxStudents: top?.students ?? 0,
    cpuPerStudent: top ? (top.workerCpu - idle) / top.students : NaN,
    lossReached: table.at(-1).loss - table.at(-1).generatorLoss > MAX_LOSS,
    generatorLimited: table.at(-1).generatorLoss > MAX_LOSS,
  };
}

/** Starts `viewers` WebRTC students in a child (under `wrap`, a command prefix) and waits. */
async function startViewers(message, wrap = []) {
  const script = join(MEDIA, 'viewers.mjs');
  const child = wrap.length
    ? spawn(wrap[0], [...wrap.slice(1), process.execPath, script], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
    : fork(script);
  const viewers = ipcChild(child, 'the WebRTC students');
  await viewers.ask(message, 'ready', 300_000);
  return viewers;
}

/** CPU of the SFU with no students, then with `count` WebRTC students, and what they decoded. */
async function perStudent({ name, pids, viewersMessage, wrap, count, settleMs, windowMs, log }) {
  await sleep(settleMs);
  const idle = (await cpuOver(windowMs, pids)).reduce((a, b) => a + b, 0);
  log(`fan-out: ${count} WebRTC students through ${name}`);
  const viewers = await startViewers(viewersMessage, wrap);
  try {
    await sleep(settleMs);
    const before = await viewers.ask('report', 'report');
    const [students, ...sfu] = await cpuOver(windowMs, [viewers.child.pid, ...pids]);
    const busy = sfu.reduce((a, b) => a + b, 0);
    const after = await viewers.ask('report', 'report');
    const fps = after.map((r, i) => (r.video - before[i].video) / (windowMs / 1000));
    return {
      sfu: name,
      students: count,
      idleCpu: idle,
      cpu: busy,
      cpuPerStudent: (busy - idle) / count,
      studentCpu: students / count,
      videoFpsP50: percentile(fps, 50),
      videoFpsMin: Math.min(...fps),
      studentsWithVideo: after.filter((r) => r.video > 0 && r.width > 0).length,
      studentsWithAudio: after.filter((r) => r.audio > 0).length,
    };
  } finally {
    await viewers.close();
  }
}

/**
 * @param {{ steps?: number[], viewers?: number, alongside?: number, settleMs?: number, windowMs?: number, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const steps =
    options.steps ??
    (process.env.BENCH_FANOUT_STEPS ?? '50,100,200,300,350,400,450,500,600,800,1000')
      .split(',')
      .map(Number);
  const count = options.viewers ?? Number(process.env.BENCH_FANOUT_VIEWERS ?? 16);
  const alongside = options.alongside ?? Number(process.env.BENCH_FANOUT_ALONGSIDE ?? 3);
  const settleMs = options.settleMs ?? 3000;
  const windowMs = options.windowMs ?? 5000;
  const timing = { settleMs, windowMs, log };

  const cosmo = await cosmoClassroom();
  let plain;
  const webrtc = [];
  try {
    // A few real WebRTC students watch alongside the plain-RTP load, as a sanity check.
    const sanity = await startViewers({
      viewers: alongside,
      cosmo: {
        url: cosmo.server.url,
        tokens: await Promise.all(
          Array.from({ length: alongside }, (_, i) =>
            cosmo.server.token(ROOM, `alongside-${i}`, 'student'),
          ),
        ),
      },
    });
    try {
      plain = await ceiling(cosmo, { steps, sanity, ...timing });
    } finally {
      await sanity.close();
    }
    const tokens = await Promise.all(
      Array.from({ length: count }, (_, i) => cosmo.server.token(ROOM, `student-${i}`, 'student')),
    );
    webrtc.push(
      await perStudent({
        name: 'Cosmo',
        pids: [cosmo.classroom.workerPid],
        viewersMessage: { viewers: count, cosmo: { url: cosmo.server.url, tokens } },
        count,
        ...timing,
      }),
    );
  } finally {
    await cosmo.close();
  }

  log('fan-out: starting Janus in its network namespace');
  const janus = await startJanus();
  const feeder = feedTeacher({
    audioPort: JANUS_AUDIO_PORT,
    videoPort: JANUS_VIDEO_PORT,
    wrap: janus.netns,
  });
  try {
    webrtc.push(
      await perStudent({
        name: 'Janus',
        pids: [janus.pid],
        viewersMessage: { viewers: count, janus: { url: janus.url, mountpoint: JANUS_MOUNTPOINT } },
        wrap: janus.netns,
        count,
        ...timing,
      }),
    );
  } finally {
    feeder.stop();
    await janus.stop();
  }

  const [viaCosmo, viaJanus] = webrtc;
  return {
    title: 'Fan-out: SFU CPU per student (one teacher, VP8 ~1 Mbit/s + Opus)',
    unit: '% of a core',
    rows: [
      {
        label: `plain RTP, ${plain.maxStudents} students: worker`,
        value: plain.cpuPerStudent * 100,
      },
      { label: 'WebRTC student through Cosmo', value: viaCosmo.cpuPerStudent * 100 },
      { label: 'baseline: WebRTC student through Janus', value: viaJanus.cpuPerStudent * 100 },
    ],
    ceiling: plain,
    webrtc,
    cosmoOverJanus: viaCosmo.cpuPerStudent / viaJanus.cpuPerStudent,
  };
}

export function print(result) {
  const pct = (v) => (v * 100).toFixed(2);
  console.log(
    '| plain-RTP students | loss % | of it dropped by the receiving process % | silent streams | audio jitter p50 ms | video jitter p50 ms | worker CPU % | receiver CPU % | packets/s | WebRTC students alongside: min fps |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of result.ceiling.table) {
    console.log(
      `| ${r.students} | ${pct(r.loss)} | ${pct(r.generatorLoss)} | ${r.silentStreams} | ${r.audioJitterMs.toFixed(2)} | ${r.videoJitterMs.toFixed(2)} | ${(r.workerCpu * 100).toFixed(0)} | ${(r.receiverCpu * 100).toFixed(0)} | ${r.packetsPerSecond.toFixed(0)} | ${r.webrtcFpsMin.toFixed(1)} |`,
    );
  }
  const { ceiling } = result;
  console.log(
    `\none worker core carries ${ceiling.maxStudents} plain-RTP students with ≤ 0.5% loss` +
      (ceiling.lossReached
        ? ''
        : ceiling.generatorLimited
          ? ' (the receiving process, not the worker, hit its limit first)'
          : ' (the largest step tried; loss never passed 0.5%)') +
      `, ${pct(ceiling.cpuPerStudent)}% of a core each\n`,
  );
  console.log(
    '| SFU | WebRTC students | CPU idle % | CPU with students % | per student % | a student itself % | video fps p50 | min | with video | with audio |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of result.webrtc) {
    console.log(
      `| ${r.sfu} | ${r.students} | ${pct(r.idleCpu)} | ${pct(r.cpu)} | ${pct(r.cpuPerStudent)} | ${pct(r.studentCpu)} | ${r.videoFpsP50.toFixed(1)} | ${r.videoFpsMin.toFixed(1)} | ${r.studentsWithVideo} | ${r.studentsWithAudio} |`,
    );
  }
  console.log(
    `\na WebRTC student costs Cosmo ${result.cosmoOverJanus.toFixed(2)}× what it costs Janus`,
  );
}
