// cluster: one lecture's students on 1, 2 and 3 cluster nodes. Each node is a Node process of its
// own with one mediasoup worker (media/clusterNode.mjs), registered in Redis under a prefix of its
// run. The teacher joins node A by signalling and publishes the fan-out's looped RTP clip there;
// N students join by signalling too, each following the join's redirect (`redirects: 1`) as the SDK
// does, with `seatsPerClassroom` set so that each node serves about N/K of them (the teacher is one
// of A's). Students on B and C so watch the teacher's producers piped from A over PipeTransports.
// Each student then gets plain-RTP consumers on the node that serves it, sent to one receiving
// process (as in `lecture`). Over a few windows: per node, the CPU of its Node process and of its
// worker (medians), its students, the packets they got; overall loss; and the busiest node's CPU
// over the 1-node configuration's, at the same class size, in the same run.
//   BENCH_CLUSTER_STUDENTS=60,150   BENCH_CLUSTER_NODES=1,2,3   BENCH_CLUSTER_WINDOWS=3
//   BENCH_CLUSTER_REDIS=redis://127.0.0.1:6379
import { Buffer } from 'node:buffer';
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@cosmo/core';
import { SignallingClient } from '@cosmo/client';
import { TokenService } from '@cosmo/sfu';
import { BENCH_SECRET, percentile } from '../server.mjs';
import { cpuOver, ipcChild, sleep, startReceiver, udpDrops } from '../media/plainStudents.mjs';
import { AUDIO_RTP, VIDEO_RTP, feedTeacher } from '../media/teacher.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const NODE_SCRIPT = join(HERE, '..', 'media', 'clusterNode.mjs');
const ROOM = 'bench-cluster';
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
/** The teacher's producers: camera and microphone. */
const TEACHER_PRODUCERS = 2;

const tokens = new TokenService(BENCH_SECRET);

/** Starts the node processes of one configuration (in parallel) and waits for them to listen. */
async function startNodes(count, { redisUrl, prefix, seatsPerClassroom }) {
  const nodes = [];
  try {
    await Promise.all(
      NAMES.slice(0, count).map(async (nodeId, i) => {
        const options = { nodeId, prefix, redisUrl, seatsPerClassroom, apiSecret: BENCH_SECRET };
        const node = ipcChild(
          fork(NODE_SCRIPT, [JSON.stringify(options)], {
            stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          }),
          `cluster node ${nodeId}`,
        );
        nodes[i] = node;
        const ready = await node.ask(undefined, 'ready', 60_000);
        Object.assign(node, { nodeId, ...ready });
      }),
    );
  } catch (err) {
    await Promise.all(nodes.filter(Boolean).map(stopNode));
    throw err;
  }
  return nodes;
}

/** Stops a node: it leaves the cluster and closes its worker; killed if it takes over 10 s. */
async function stopNode(node) {
  const { child } = node;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('close');
  if ((await Promise.race([exited.then(() => true), sleep(10_000)])) !== true) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Deletes what a configuration's nodes may leave in Redis (a heartbeat in flight while a node
 * stops can write its record again after it left), by RESP over a socket of its own: the bench
 * has no Redis client.
 */
async function forgetCluster(redisUrl, prefix, nodeIds) {
  const keys = [
    'nodes',
    'draining',
    'leader',
    `room:${ROOM}`,
    ...nodeIds.flatMap((id) => [`alive:${id}`, `online:${id}`]),
  ].map((k) => `${prefix}:${k}`);
  const command = ['DEL', ...keys];
  const frame =
    `*${command.length}\r\n` + command.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
  const url = new URL(redisUrl);
  await new Promise((resolve, reject) => {
    const socket = connect(Number(url.port || 6379), url.hostname, () => socket.write(frame));
    socket.setTimeout(5000, () => socket.destroy(new Error('Redis did not answer DEL')));
    socket.once('data', () => socket.end(resolve));
    socket.once('error', reject);
  });
}

/**
 * Joins `identity` by signalling at `entry`, following a redirect once (the join response's
 * `redirectUrl`, joined again with `redirects: 1`). Resolves with the client, the URL of the node
 * that serves it, and whether it was redirected.
 */
async function joinAt(entry, identity, role) {
  const token = await tokens.mint({ room: ROOM, identity, name: identity, role, grants: {} });
  let url = entry;
  for (let redirects = 0; ; redirects++) {
    const client = await SignallingClient.connect({ url, WebSocket, requestTimeoutMs: 30_000 });
    const res = await client.request('join', {
      token,
      protocolVersion: PROTOCOL_VERSION,
      redirects,
    });
    if (!res.join?.redirectUrl) return { client, url, redirected: redirects > 0 };
    client.close(1000, 'redirected');
    if (redirects >= 2) throw new Error(`${identity}: redirected ${redirects + 1} times`);
    url = res.join.redirectUrl;
  }
}

/**
 * One window: what every plain-RTP student got and, per node, what its students got (packets);
 * the fraction of a core each of `pids` used meanwhile.
 */
async function measureWindow({ receiver, ssrcNode, nodeCount, pids, windowMs }) {
  receiver.child.send('reset');
  const dropsBefore = udpDrops(receiver.port);
  const cpu = await cpuOver(windowMs, [...pids, receiver.child.pid]);
  const dropped = udpDrops(receiver.port) - dropsBefore;
  const report = (await receiver.ask('report', 'report')).filter((s) => ssrcNode.has(s.ssrc));
  const expected = report.reduce((a, s) => a + s.expected, 0);
  const silent = ssrcNode.size - report.length;
  const perStream = report.length ? expected / report.length : 0;
  const byNode = Array.from({ length: nodeCount }, () => 0);
  for (const s of report) byNode[ssrcNode.get(s.ssrc)] += s.received;
  return {
    received: report.reduce((a, s) => a + s.received, 0),
    total: expected + silent * perStream,
    dropped,
    silent,
    byNode,
    videoJitterMs: percentile(
      report.filter((s) => s.clock === 90000).map((s) => s.jitterMs),
      50,
    ),
    cpu,
  };
}

/**
 * `windows` windows in a row: loss as `lecture` counts it over all of them (the most silent streams
 * in any), and each process's median CPU (a neighbour's burst on a shared machine weighs on one).
 */
async function measure({ windows, windowMs, ...rest }) {
  const all = [];
  for (let i = 0; i < windows; i++) all.push(await measureWindow({ windowMs, ...rest }));
  const sum = (f) => all.reduce((a, w) => a + f(w), 0);
  const seconds = (windows * windowMs) / 1000;
  const total = sum((w) => w.total);
  const cpu = all[0].cpu.map((_, i) =>
    percentile(
      all.map((w) => w.cpu[i]),
      50,
    ),
  );
  return {
    loss: total === 0 ? 0 : 1 - sum((w) => w.received) / total,
    // What the receiving socket dropped is the load generator's limit, not the SFU's.
    generatorLoss: total === 0 ? 0 : sum((w) => w.dropped) / total,
    silentStreams: Math.max(...all.map((w) => w.silent)),
    videoJitterMs: percentile(
      all.map((w) => w.videoJitterMs),
      50,
    ),
    packetsPerSecond: sum((w) => w.received) / seconds,
    packetsPerSecondByNode: all[0].byNode.map((_, i) => sum((w) => w.byNode[i]) / seconds),
    cpu: cpu.slice(0, -1),
    receiverCpu: cpu.at(-1),
  };
}

/** One configuration: `students` students of one lecture on `nodeCount` nodes. */
async function configuration({ students, nodeCount, redisUrl, settleMs, windowMs, windows, log }) {
  const label = `${students} students on ${nodeCount} node${nodeCount > 1 ? 's' : ''}`;
  // The teacher is one of A's: each node serves about (students + 1) / nodeCount.
  const seatsPerClassroom = Math.ceil((students + 1) / nodeCount);
  const prefix = `cosmo-bench-${process.pid}-${Date.now()}-${nodeCount}`;
  const clients = [];
  let feeder;
  let receiver;
  let nodes = [];
  try {
    nodes = await startNodes(nodeCount, { redisUrl, prefix, seatsPerClassroom });
    // A few heartbeats: every node knows every other before the first join is placed.
    await sleep(1500);
    const nodeOf = new Map(nodes.map((n, i) => [n.url, i]));

    const teacher = await joinAt(nodes[0].url, 'teacher', 'teacher');
    clients.push(teacher.client);
    if (teacher.url !== nodes[0].url) throw new Error('the teacher was not served by node a');
    const ingested = await nodes[0].ask(
      { ingest: { room: ROOM, identity: 'teacher', video: VIDEO_RTP, audio: AUDIO_RTP } },
      'ingested',
    );
    feeder = feedTeacher({ audioPort: ingested.audioPort, videoPort: ingested.videoPort });
    receiver = await startReceiver(ingested.clockRates);
    const pids = [...nodes.map((n) => n.pid), ...nodes.map((n) => n.workerPid)];
    // What the nodes cost with the teacher's clip ingested on A and nobody watching.
    await sleep(1000);
    const idle = (
      await measure({ receiver, ssrcNode: new Map(), nodeCount, pids, windowMs, windows })
    ).cpu;

    // A node's first student opens its shard there; the others enter at another node and are
    // redirected to the node filling up, as a student with a link to any node would be.
    const served = nodes.map(() => 0);
    served[0] = 1;
    const placed = nodes.map(() => []);
    let redirects = 0;
    // Joins served elsewhere than the node filling up: with joins one at a time, placement
    // should never do that.
    const offPlan = [];
    for (let i = 0; i < students; i++) {
      const filling = Math.min(
        nodeCount - 1,
        served.findIndex((n) => n < seatsPerClassroom),
      );
      const entry = served[filling] === 0 ? filling : (filling + 1) % nodeCount;
      const identity = `student-${i}`;
      const joined = await joinAt(nodes[entry].url, identity, 'student');
      clients.push(joined.client);
      const at = nodeOf.get(joined.url);
      if (at === undefined)
        throw new Error(`${identity} was redirected to ${joined.url}, no node of ours`);
      served[at]++;
      placed[at].push(identity);
      if (joined.redirected) redirects++;
      if (at !== filling) {
        const names = nodes.map((n) => n.nodeId);
        offPlan.push(
          `${identity} entered at ${names[entry]} and was served by ${names[at]} (now ${served[at]} of ${seatsPerClassroom} seats), not by ${names[filling]} (${served[filling]})`,
        );
        log(`cluster, ${label}: ${offPlan.at(-1)}`);
      }
    }
    log(
      `cluster, ${label}: joined (${placed.map((p) => p.length).join('/')}), ${redirects} redirected`,
    );

    const ssrcNode = new Map();
    await Promise.all(
      nodes.map(async (node, i) => {
        if (placed[i].length === 0) return;
        const { ssrcs } = await node.ask(
          {
            attach: {
              room: ROOM,
              identities: placed[i],
              ip: '127.0.0.1',
              port: receiver.port,
              producers: TEACHER_PRODUCERS,
            },
          },
          'attached',
        );
        for (const ssrc of ssrcs) ssrcNode.set(ssrc, i);
      }),
    );
    const counts = await Promise.all(nodes.map((n) => n.ask({ count: { room: ROOM } }, 'count')));
    await sleep(settleMs);
    const m = await measure({ receiver, ssrcNode, nodeCount, pids, windowMs, windows });
    // Streams expected: two per student (video and audio).
    m.silentStreams += students * TEACHER_PRODUCERS - ssrcNode.size;
    const perNode = nodes.map((n, i) => {
      const processCpu = m.cpu[i];
      const workerCpu = m.cpu[nodeCount + i];
      return {
        node: n.nodeId,
        students: placed[i].length,
        participants: counts[i].own,
        mirrored: counts[i].mirrored,
        processCpu,
        workerCpu,
        cpu: processCpu + workerCpu,
        idleProcessCpu: idle[i],
        idleWorkerCpu: idle[nodeCount + i],
        packetsPerSecond: m.packetsPerSecondByNode[i],
      };
    });
    const busiest = perNode.reduce((a, b) => (b.cpu > a.cpu ? b : a));
    const { cpu: _cpu, packetsPerSecondByNode: _byNode, ...rest } = m;
    const row = {
      label,
      students,
      nodes: nodeCount,
      seatsPerClassroom,
      redirects,
      offPlan,
      ...rest,
      perNode,
      busiestNode: busiest.node,
      busiestNodeCpu: busiest.cpu,
      workerCpuOnA: perNode[0].workerCpu,
      allNodesCpu: perNode.reduce((a, p) => a + p.cpu, 0),
    };
    log(
      `cluster, ${label}: loss ${(m.loss * 100).toFixed(2)}%, nodes ` +
        perNode
          .map(
            (p) =>
              `${p.node} ${p.students} students ${((p.processCpu + p.workerCpu) * 100).toFixed(1)}%`,
          )
          .join(', '),
    );
    return row;
  } finally {
    for (const c of clients) c.close();
    feeder?.stop();
    await receiver?.close();
    await Promise.all(nodes.map(stopNode));
    await reap(nodes.map((n) => n.workerPid));
    await forgetCluster(redisUrl, prefix, NAMES.slice(0, nodeCount)).catch((err) =>
      log(`cluster: could not clean ${prefix}:* in Redis: ${err.message}`),
    );
  }
}

/** Waits for the nodes' workers to be gone (they exit after their node), killing stragglers. */
async function reap(pids) {
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 30 && pids.some(alive); i++) await sleep(100);
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
}

/**
 * @param {{ students?: number[], nodes?: number[], redisUrl?: string, settleMs?: number, windowMs?: number, windows?: number, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const env = process.env;
  const sizes = options.students ?? (env.BENCH_CLUSTER_STUDENTS ?? '60,150').split(',').map(Number);
  const counts = options.nodes ?? (env.BENCH_CLUSTER_NODES ?? '1,2,3').split(',').map(Number);
  if (counts[0] !== 1) throw new Error('BENCH_CLUSTER_NODES must start with 1 (the baseline)');
  const timing = {
    redisUrl: options.redisUrl ?? env.BENCH_CLUSTER_REDIS ?? 'redis://127.0.0.1:6379',
    settleMs: options.settleMs ?? 2500,
    windowMs: options.windowMs ?? 4000,
    windows: options.windows ?? Number(env.BENCH_CLUSTER_WINDOWS ?? 3),
    log,
  };

  const table = [];
  for (const students of sizes)
    for (const nodeCount of counts)
      table.push(await configuration({ students, nodeCount, ...timing }));
  for (const row of table) {
    const one = table.find((r) => r.students === row.students && r.nodes === 1);
    row.busiestOverOneNode = row.busiestNodeCpu / one.busiestNodeCpu;
    row.workerOnAOverOneNode = row.workerCpuOnA / one.workerCpuOnA;
    row.allNodesOverOneNode = row.allNodesCpu / one.allNodesCpu;
    // The pipes' share of A's worker: what its worker does over its idle cost (the ingest) and
    // over what its own students cost, at the 1-node configuration's cost per student.
    const perStudent = (one.workerCpuOnA - one.perNode[0].idleWorkerCpu) / one.students;
    const a = row.perNode[0];
    row.pipesOnA = a.workerCpu - a.idleWorkerCpu - a.students * perStudent;
    row.workerPerStudentOneNode = perStudent;
  }
  return {
    title:
      'Cluster: the busiest node’s CPU (Node process + its worker), one lecture on 1, 2, 3 nodes',
    unit: '% of a core',
    rows: table.map((r) => ({
      label: `${r.label}: ${r.busiestNode} (${r.busiestOverOneNode.toFixed(2)}×)`,
      value: r.busiestNodeCpu * 100,
    })),
    table,
  };
}

export function print(result) {
  const pct = (v, d = 1) => (v * 100).toFixed(d);
  console.log(
    '\n| students | nodes | node | students on it | mirrored | Node process CPU % | worker CPU % | node CPU % | idle: Node process / worker CPU % | packets/s to its students |',
  );
  console.log('| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of result.table)
    for (const p of r.perNode)
      console.log(
        `| ${r.students} | ${r.nodes} | ${p.node} | ${p.students} | ${p.mirrored} | ${pct(p.processCpu)} | ${pct(p.workerCpu)} | ${pct(p.cpu)} | ${pct(p.idleProcessCpu)} / ${pct(p.idleWorkerCpu)} | ${p.packetsPerSecond.toFixed(0)} |`,
      );
  console.log(
    '\n| students | nodes | busiest node CPU % | × 1 node | worker on A CPU % | × 1 node | of it the pipes (est.) % | all nodes CPU % | × 1 node | loss % | of it dropped by the receiving process % | silent streams | packets/s | receiver CPU % | redirected joins |',
  );
  console.log(
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of result.table)
    console.log(
      `| ${r.students} | ${r.nodes} | ${pct(r.busiestNodeCpu)} (${r.busiestNode}) | ${r.busiestOverOneNode.toFixed(2)} | ${pct(r.workerCpuOnA)} | ${r.workerOnAOverOneNode.toFixed(2)} | ${r.nodes === 1 ? '–' : pct(r.pipesOnA)} | ${pct(r.allNodesCpu)} | ${r.allNodesOverOneNode.toFixed(2)} | ${pct(r.loss, 2)} | ${pct(r.generatorLoss, 2)} | ${r.silentStreams} | ${r.packetsPerSecond.toFixed(0)} | ${pct(r.receiverCpu, 0)} | ${r.redirects} |`,
    );
  for (const r of result.table)
    for (const line of r.offPlan) console.log(`\n${r.label}: a join placed off plan: ${line}`);
  console.log(
    "\npipes (est.): A's worker CPU − its idle CPU − its students × the worker CPU a student costs on 1 node (same class size: " +
      result.table
        .filter((r) => r.nodes === 1)
        .map((r) => `${r.students}: ${pct(r.workerPerStudentOneNode, 2)}%`)
        .join(', ') +
      ')',
  );
}
