// One node of the `cluster` scenario's cluster: its own Node process with one mediasoup worker,
// started by the bench (`fork`) and told over IPC what to do with its classroom.
//   node clusterNode.mjs '{"nodeId":"a","prefix":"…","redisUrl":"redis://…","seatsPerClassroom":31,"apiSecret":"…"}'
// It answers each request with one message whose key names the answer:
//   (at start)                                          → { ready: { url, pid, workerPid } }
//   { ingest: { room, identity, video, audio } }        → { ingested: { videoPort, audioPort, clockRates } }
//     the participant `identity` (joined by the bench) publishes the teacher's clip, RTP in on
//     plain transports (`video`, `audio`: the producers' RTP parameters)
//   { attach: { room, identities, ip, port, producers } } → { attached: { ssrcs } }
//     once `producers` producers of others are listed here (piped from their node, if need be),
//     each of those participants gets plain-RTP consumers of them sent to `ip:port`
//   { count: { room } }                                 → { count: { own, mirrored, producers } }
//   'close'                                             → stops the server and exits
import { startEphemeralServer } from '@cosmo/sfu';

const options = JSON.parse(process.argv[2] ?? '{}');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A bench that dies without saying 'close' leaves no node behind.
process.on('disconnect', () => process.exit(0));

const server = await startEphemeralServer({
  workers: 1,
  maxParticipants: 5000,
  school: false,
  captions: false,
  push: false,
  apiSecret: options.apiSecret,
  // The bench's students all connect from 127.0.0.1.
  addressLimits: { sockets: 0, httpPerSecond: 100_000, httpBurst: 100_000 },
  identityLimits: { joinsPerMinute: 10_000, joinBurst: 10_000 },
  cluster: {
    redisUrl: options.redisUrl,
    prefix: options.prefix,
    nodeId: options.nodeId,
    seatsPerClassroom: options.seatsPerClassroom,
    heartbeatMs: 500,
    deadAfterMs: 3000,
  },
});

/** A mirror of another node's participant (RemoteParticipant): it has the node it is on. */
const isMirror = (p) => typeof p.node === 'string';

function classroomOf(room) {
  const classroom = server.server.classrooms.get(room);
  if (!classroom) throw new Error(`no classroom ${room} on node ${options.nodeId}`);
  return classroom;
}

function participantOf(classroom, identity) {
  const p = [...classroom.participants.values()].find(
    (x) => x.identity === identity && !isMirror(x),
  );
  if (!p) throw new Error(`no participant ${identity} on node ${options.nodeId}`);
  return p;
}

/** Producers of everyone but `identities` listed in the classroom here. */
const othersProducers = (classroom, identities) =>
  [...classroom.participants.values()]
    .filter((p) => !identities.has(p.identity))
    .reduce((n, p) => n + p.producers.size, 0);

const handlers = {
  async ingest({ room, identity, video, audio }) {
    const classroom = classroomOf(room);
    const host = participantOf(classroom, identity);
    const v = await classroom.ingestRtp(host, 'camera', video);
    const a = await classroom.ingestRtp(host, 'microphone', audio);
    const clockRates = Object.fromEntries(
      classroom.router.rtpCapabilities.codecs.map((c) => [c.preferredPayloadType, c.clockRate]),
    );
    return { ingested: { videoPort: v.port, audioPort: a.port, clockRates } };
  },

  async attach({ room, identities, ip, port, producers }) {
    const classroom = classroomOf(room);
    const mine = new Set(identities);
    // The teacher's producers reach a node that does not host her through its pipes: wait.
    const deadline = Date.now() + 20_000;
    while (othersProducers(classroom, mine) < producers) {
      if (Date.now() > deadline)
        throw new Error(
          `node ${options.nodeId}: ${othersProducers(classroom, mine)} of ${producers} producers after 20 s`,
        );
      await sleep(50);
    }
    const ssrcs = [];
    for (const identity of identities) {
      const consumers = await classroom.consumeRtpForTesting(participantOf(classroom, identity), {
        ip,
        port,
      });
      for (const c of consumers) ssrcs.push(c.rtpParameters.encodings[0].ssrc);
    }
    return { attached: { ssrcs } };
  },

  async count({ room }) {
    const classroom = server.server.classrooms.get(room);
    const all = classroom ? [...classroom.participants.values()] : [];
    return {
      count: {
        own: all.filter((p) => !isMirror(p)).length,
        mirrored: all.filter(isMirror).length,
        producers: all.reduce((n, p) => n + p.producers.size, 0),
      },
    };
  },
};

async function close() {
  await Promise.race([server.close(), sleep(8000)]);
  process.exit(0);
}

process.on('message', async (m) => {
  if (m === 'close') return close();
  const [kind] = Object.keys(m);
  try {
    if (!handlers[kind]) throw new Error(`unknown request ${kind}`);
    process.send(await handlers[kind](m[kind]));
  } catch (err) {
    process.send({ error: err.message });
  }
});

process.send({
  ready: { url: server.url, pid: process.pid, workerPid: server.server.pool.workers[0].pid },
});
