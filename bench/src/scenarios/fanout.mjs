// fan-out: one teacher (the same RTP clip, VP8 ~1 Mbit/s at 25 fps + Opus, looped by ffmpeg) to
// many students through one mediasoup worker.
// 1. Ceiling: N plain-RTP students on loopback (cheap receivers, counted by a separate process),
//    N rising until more than 0.5% of packets are lost: loss, jitter, worker CPU per student, the
//    largest N one worker core carries. A few real WebRTC students (BENCH_FANOUT_ALONGSIDE, 3)
//    watch alongside as a sanity check: the slowest one's frame rate at each step.
// 2. Per-student cost with real WebRTC students (@roamhq/wrtc, SRTP, decoding what they get):
//    through Cosmo; through raw mediasoup (the same worker binary, one router with the same codecs,
//    the same teacher RTP, transports and consumers made with the mediasoup API alone, signalled
//    by this process over IPC); and through Janus's streaming plugin fed the same RTP. SFU CPU per
//    student = (CPU with V students - CPU with none) / V, each measured BENCH_FANOUT_ROUNDS times
//    (Cosmo and raw alternating, 3) and reported as medians. A Node WebRTC student decoding this
//    clip costs ~7% of a core itself, so the default is 16 of them (BENCH_FANOUT_VIEWERS): more
//    starve the students of CPU, not the SFU.
// BENCH_FANOUT_PARTS=ceiling,cosmo,raw,janus picks parts; BENCH_FANOUT_COSMO='{"webRtcServer":false}'
// is merged into the Cosmo server's config and BENCH_FANOUT_RAW='{"webRtcServer":true}' switches
// the raw application's options (see RAW_DEFAULTS), to measure one difference at a time.
import { spawn, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient } from '@cosmo/client';
import { DEFAULT_MEDIA_CODECS, MediaWorkerPool, startEphemeralServer } from '@cosmo/sfu';
import {
  JANUS_AUDIO_PORT,
  JANUS_MOUNTPOINT,
  JANUS_VIDEO_PORT,
  startJanus,
} from '../media/janus.mjs';
import { cpuOver, ipcChild, measureWindow, sleep, startReceiver } from '../media/plainStudents.mjs';
import { AUDIO_RTP, VIDEO_RTP, feedTeacher } from '../media/teacher.mjs';
import { percentile } from '../server.mjs';

const MEDIA = join(dirname(fileURLToPath(import.meta.url)), '..', 'media');
const ROOM = 'bench-fanout';
const MAX_LOSS = 0.005;
const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

/** The Cosmo side: a server in this process, the teacher's clip ingested into its classroom. */
async function cosmoClassroom(config = {}) {
  const server = await startEphemeralServer({ maxParticipants: 5000, ...config });
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

/**
 * What the raw application does by default: what a minimal mediasoup application writes (a port
 * per transport, mediasoup's defaults). Each option turns on one thing Cosmo does, for part 3 of
 * issue 14: `webRtcServer` (a WebRtcServer per worker), `initialAvailableOutgoingBitrate`,
 * `audioLevels` (an audio level observer on the teacher's microphone), `layersEvents` (a
 * listener on every consumer's layerschange).
 */
const RAW_DEFAULTS = {
  webRtcServer: false,
  initialAvailableOutgoingBitrate: undefined,
  audioLevels: false,
  layersEvents: false,
};

/**
 * The raw baseline: the same worker binary (MEDIASOUP_WORKER_BIN, through the pool's resolution),
 * one router with the same codecs, the teacher ingested the way Cosmo ingests it, and each
 * student's transport and consumers made with the mediasoup API alone when its child asks.
 */
async function rawMediasoup(options = {}) {
  const o = { ...RAW_DEFAULTS, ...options };
  const pool = await MediaWorkerPool.create({
    count: 1,
    rtcMinPort: 40000,
    rtcMaxPort: 49999,
    logger: QUIET,
  });
  const [worker] = pool.workers;
  const router = await worker.createRouter({ mediaCodecs: DEFAULT_MEDIA_CODECS });
  const webRtcServer = o.webRtcServer
    ? await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1' },
          { protocol: 'tcp', ip: '127.0.0.1' },
        ],
      })
    : undefined;
  const ingest = async (kind, rtpParameters) => {
    const transport = await router.createPlainTransport({
      listenIp: { ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: true,
    });
    return {
      port: transport.tuple.localPort,
      producer: await transport.produce({ kind, rtpParameters }),
    };
  };
  const video = await ingest('video', VIDEO_RTP);
  const audio = await ingest('audio', AUDIO_RTP);
  if (o.audioLevels) {
    const levels = await router.createAudioLevelObserver({
      maxEntries: 4,
      threshold: -70,
      interval: 500,
    });
    levels.on('volumes', () => undefined);
    await levels.addProducer({ producerId: audio.producer.id });
  }
  const feeder = feedTeacher({ audioPort: audio.port, videoPort: video.port });
  const transports = new Map();
  /** The application's whole signalling: what a raw student asks, answered from this process. */
  const serve = async (method, data) => {
    if (method === 'routerRtpCapabilities') return router.rtpCapabilities;
    if (method === 'createTransport') {
      const t = await router.createWebRtcTransport({
        ...(webRtcServer ? { webRtcServer } : { listenIps: [{ ip: '127.0.0.1' }] }),
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        ...(o.initialAvailableOutgoingBitrate
          ? { initialAvailableOutgoingBitrate: o.initialAvailableOutgoingBitrate }
          : {}),
      });
      transports.set(t.id, { transport: t, consumers: [] });
      const { id, iceParameters, iceCandidates, dtlsParameters } = t;
      return { id, iceParameters, iceCandidates, dtlsParameters };
    }
    const entry = transports.get(data.transportId);
    if (!entry) throw new Error('no such transport');
    if (method === 'connect')
      return entry.transport.connect({ dtlsParameters: data.dtlsParameters });
    if (method === 'consume') {
      for (const producer of [video.producer, audio.producer]) {
        const consumer = await entry.transport.consume({
          producerId: producer.id,
          rtpCapabilities: data.rtpCapabilities,
          paused: true,
        });
        if (o.layersEvents) consumer.on('layerschange', () => undefined);
        entry.consumers.push(consumer);
      }
      return entry.consumers.map(({ id, producerId, kind, rtpParameters }) => ({
        id,
        producerId,
        kind,
        rtpParameters,
      }));
    }
    if (method === 'resume') return Promise.all(entry.consumers.map((c) => c.resume()));
    throw new Error(`unknown method ${method}`);
  };
  return {
    pid: worker.pid,
    serve,
    /** Closes what the last students left behind (a raw application would on their hang-up). */
    forgetStudents: () => {
      for (const { transport } of transports.values()) transport.close();
      transports.clear();
    },
    close: async () => {
      feeder.stop();
      pool.close();
    },
  };
}

/** Part 1: plain-RTP students, N rising until loss passes MAX_LOSS. */
async function ceiling(cosmo, { steps, settleMs, windowMs, log, sanity }) {
  const { router } = cosmo.classroom;
  const receiver = await startReceiver(
    Object.fromEntries(
      router.rtpCapabilities.codecs.map((c) => [c.preferredPayloadType, c.clockRate]),
    ),
  );
  const { port } = receiver;
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
      const framesBefore = sanity && (await sanity.ask('report', 'report'));
      const { cpu, ...step } = await measureWindow({
        receiver,
        ssrcs,
        n,
        pids: [cosmo.classroom.workerPid],
        windowMs,
      });
      const framesAfter = sanity && (await sanity.ask('report', 'report'));
      const [worker] = cpu;
      table.push({
        ...step,
        workerCpu: worker,
        // The WebRTC students watching alongside: the slowest one's decoded frames per second.
        webrtcFpsMin: sanity
          ? Math.min(
              ...framesAfter.map((r, i) => (r.video - framesBefore[i].video) / (windowMs / 1000)),
            )
          : NaN,
      });
      const { loss, generatorLoss } = step;
      log(
        `fan-out: ${n} students: loss ${(loss * 100).toFixed(2)}%, worker ${(worker * 100).toFixed(0)}% of a core`,
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

/**
 * Starts `viewers` WebRTC students in a child (under `wrap`, a command prefix) and waits. `serve`
 * answers raw students' signalling requests.
 */
async function startViewers(message, wrap = [], serve = undefined) {
  const script = join(MEDIA, 'viewers.mjs');
  const child = wrap.length
    ? spawn(wrap[0], [...wrap.slice(1), process.execPath, script], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
    : fork(script);
  if (serve)
    child.on('message', (m) => {
      if (!m?.rawRequest) return;
      const { id, method, data } = m.rawRequest;
      serve(method, data).then(
        (result) => child.connected && child.send({ rawAnswer: { id, result } }),
        (err) => child.connected && child.send({ rawAnswer: { id, failure: err.message } }),
      );
    });
  const viewers = ipcChild(child, 'the WebRTC students');
  await viewers.ask(message, 'ready', 300_000);
  return viewers;
}

/** CPU of the SFU with no students, then with `count` WebRTC students, and what they decoded. */
async function perStudent({
  name,
  pids,
  viewersMessage,
  wrap,
  serve,
  count,
  settleMs,
  windowMs,
  log,
}) {
  await sleep(settleMs);
  const idle = (await cpuOver(windowMs, pids)).reduce((a, b) => a + b, 0);
  log(`fan-out: ${count} WebRTC students through ${name}`);
  const viewers = await startViewers(viewersMessage, wrap, serve);
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

/** The median of `rows`' per-student CPU. */
const medianPerStudent = (rows) =>
  rows.length
    ? percentile(
        rows.map((r) => r.cpuPerStudent),
        50,
      )
    : NaN;

/**
 * @param {{ steps?: number[], viewers?: number, alongside?: number, rounds?: number, parts?: string[], cosmoConfig?: Record<string, unknown>, raw?: Partial<typeof RAW_DEFAULTS>, settleMs?: number, windowMs?: number, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const env = process.env;
  const steps =
    options.steps ??
    (env.BENCH_FANOUT_STEPS ?? '50,100,200,300,350,400,450,500,600,800,1000')
      .split(',')
      .map(Number);
  const count = options.viewers ?? Number(env.BENCH_FANOUT_VIEWERS ?? 16);
  const alongside = options.alongside ?? Number(env.BENCH_FANOUT_ALONGSIDE ?? 3);
  const rounds = options.rounds ?? Number(env.BENCH_FANOUT_ROUNDS ?? 3);
  const parts = new Set(
    options.parts ?? (env.BENCH_FANOUT_PARTS ?? 'ceiling,cosmo,raw,janus').split(','),
  );
  const cosmoConfig = options.cosmoConfig ?? JSON.parse(env.BENCH_FANOUT_COSMO ?? '{}');
  const rawOptions = options.raw ?? JSON.parse(env.BENCH_FANOUT_RAW ?? '{}');
  const settleMs = options.settleMs ?? 3000;
  const windowMs = options.windowMs ?? 5000;
  const timing = { settleMs, windowMs, log };

  let plain;
  const webrtc = [];
  const cosmo = await cosmoClassroom(cosmoConfig);
  let raw;
  try {
    if (parts.has('ceiling')) {
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
    }
    if (parts.has('raw')) raw = await rawMediasoup(rawOptions);
    // Cosmo and raw mediasoup alternate, so that a noisy neighbour weighs on both alike.
    for (let round = 0; round < rounds; round++) {
      if (parts.has('cosmo')) {
        const tokens = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            cosmo.server.token(ROOM, `student-${round}-${i}`, 'student'),
          ),
        );
        webrtc.push({
          round,
          ...(await perStudent({
            name: 'Cosmo',
            pids: [cosmo.classroom.workerPid],
            viewersMessage: { viewers: count, cosmo: { url: cosmo.server.url, tokens } },
            count,
            ...timing,
          })),
        });
      }
      if (raw) {
        webrtc.push({
          round,
          ...(await perStudent({
            name: 'raw mediasoup',
            pids: [raw.pid],
            viewersMessage: { viewers: count, raw: true },
            serve: raw.serve,
            count,
            ...timing,
          })),
        });
        raw.forgetStudents();
      }
    }
  } finally {
    await raw?.close();
    await cosmo.close();
  }

  if (parts.has('janus')) {
    log('fan-out: starting Janus in its network namespace');
    const janus = await startJanus();
    const feeder = feedTeacher({
      audioPort: JANUS_AUDIO_PORT,
      videoPort: JANUS_VIDEO_PORT,
      wrap: janus.netns,
    });
    try {
      for (let round = 0; round < rounds; round++)
        webrtc.push({
          round,
          ...(await perStudent({
            name: 'Janus',
            pids: [janus.pid],
            viewersMessage: {
              viewers: count,
              janus: { url: janus.url, mountpoint: JANUS_MOUNTPOINT },
            },
            wrap: janus.netns,
            count,
            ...timing,
          })),
        });
    } finally {
      feeder.stop();
      await janus.stop();
    }
  }

  const median = (sfu) => medianPerStudent(webrtc.filter((r) => r.sfu === sfu));
  const perStudentCpu = {
    cosmo: median('Cosmo'),
    raw: median('raw mediasoup'),
    janus: median('Janus'),
  };
  const rows = [];
  if (plain)
    rows.push({
      label: `plain RTP, ${plain.maxStudents} students: worker`,
      value: plain.cpuPerStudent * 100,
    });
  if (parts.has('cosmo'))
    rows.push({ label: 'WebRTC student through Cosmo', value: perStudentCpu.cosmo * 100 });
  if (parts.has('raw'))
    rows.push({
      label: `baseline: raw mediasoup (Cosmo ${(perStudentCpu.cosmo / perStudentCpu.raw).toFixed(2)}×)`,
      value: perStudentCpu.raw * 100,
    });
  if (parts.has('janus'))
    rows.push({
      label: `baseline: Janus (Cosmo ${(perStudentCpu.cosmo / perStudentCpu.janus).toFixed(2)}×)`,
      value: perStudentCpu.janus * 100,
    });
  return {
    title: `Fan-out: SFU CPU per student, median of ${rounds} (one teacher, VP8 ~1 Mbit/s + Opus)`,
    unit: '% of a core',
    rows,
    ceiling: plain,
    webrtc,
    cosmoConfig,
    rawOptions: { ...RAW_DEFAULTS, ...rawOptions },
    perStudentCpu,
    cosmoOverRaw: perStudentCpu.cosmo / perStudentCpu.raw,
    cosmoOverJanus: perStudentCpu.cosmo / perStudentCpu.janus,
  };
}

export function print(result) {
  const pct = (v) => (v * 100).toFixed(2);
  const { ceiling } = result;
  if (ceiling) {
    console.log(
      '| plain-RTP students | loss % | of it dropped by the receiving process % | silent streams | audio jitter p50 ms | video jitter p50 ms | worker CPU % | receiver CPU % | packets/s | WebRTC students alongside: min fps |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of ceiling.table) {
      console.log(
        `| ${r.students} | ${pct(r.loss)} | ${pct(r.generatorLoss)} | ${r.silentStreams} | ${r.audioJitterMs.toFixed(2)} | ${r.videoJitterMs.toFixed(2)} | ${(r.workerCpu * 100).toFixed(0)} | ${(r.receiverCpu * 100).toFixed(0)} | ${r.packetsPerSecond.toFixed(0)} | ${r.webrtcFpsMin.toFixed(1)} |`,
      );
    }
    console.log(
      `\none worker core carries ${ceiling.maxStudents} plain-RTP students with ≤ 0.5% loss` +
        (ceiling.lossReached
          ? ''
          : ceiling.generatorLimited
            ? ' (the receiving process, not the worker, hit its limit first)'
            : ' (the largest step tried; loss never passed 0.5%)') +
        `, ${pct(ceiling.cpuPerStudent)}% of a core each\n`,
    );
  }
  console.log(
    '| SFU | round | WebRTC students | CPU idle % | CPU with students % | per student % | a student itself % | video fps p50 | min | with video | with audio |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of result.webrtc) {
    console.log(
      `| ${r.sfu} | ${r.round + 1} | ${r.students} | ${pct(r.idleCpu)} | ${pct(r.cpu)} | ${pct(r.cpuPerStudent)} | ${pct(r.studentCpu)} | ${r.videoFpsP50.toFixed(1)} | ${r.videoFpsMin.toFixed(1)} | ${r.studentsWithVideo} | ${r.studentsWithAudio} |`,
    );
  }
  const { cosmo, raw, janus } = result.perStudentCpu;
  const ratio = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–');
  console.log('\nSFU CPU per WebRTC student, median of the rounds:\n');
  console.log('| Cosmo % | raw mediasoup % | Janus % | Cosmo / raw | Cosmo / Janus |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| ${pct(cosmo)} | ${pct(raw)} | ${pct(janus)} | ${ratio(cosmo, raw)} | ${ratio(cosmo, janus)} |`,
  );
}
