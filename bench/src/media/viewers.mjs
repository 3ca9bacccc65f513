// A child process of WebRTC students (@roamhq/wrtc) watching the teacher, through Cosmo
// (CosmoClient, the real signalling), through raw mediasoup (mediasoup-client, the same device and
// handler as CosmoClient's, signalled by the parent over IPC) or through Janus (its HTTP API and
// streaming plugin). Every student decodes what it gets. The parent talks over IPC:
//   { viewers: n, cosmo: { url, tokens } } | { viewers: n, raw: true }
//     | { viewers: n, janus: { url, mountpoint } } → { ready }
//   'report' → { report: [{ video, audio, width, height }] }      'close' → exits
// Raw students ask the parent { rawRequest: { id, method, data } } and get { rawAnswer: { id, result } }
// or { rawAnswer: { id, failure } }; methods: routerRtpCapabilities, createTransport,
// connect { transportId, dtlsParameters }, consume { transportId, rtpCapabilities }, resume { transportId }.
import { createRequire } from 'node:module';
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { CosmoClient } from '@cosmo/client';
import { useNodeWebRtc, watchTrack } from '@cosmo/client/node';

useNodeWebRtc(wrtc);
// mediasoup-client as CosmoClient uses it: the bench has no dependency of its own on it.
const { Device } = createRequire(import.meta.resolve('@cosmo/client'))('mediasoup-client');
const students = [];
const watch = (track) => ({ kind: track.kind, stats: watchTrack(wrtc, track) });

async function cosmoStudent(url, token) {
  const client = new CosmoClient({
    url,
    token,
    WebSocket,
    handlerName: 'Chrome111',
    autoSubscribe: 'all',
  });
  const watched = [];
  client.on('trackSubscribed', (remote) => watched.push(watch(remote.track)));
  await client.connect();
  return { watched, close: () => client.close() };
}

const pending = new Map();
let nextRequest = 0;
/** One request to the parent, which plays a raw mediasoup application's signalling server. */
function askParent(method, data) {
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    process.send({ rawRequest: { id, method, data } });
  });
}

/** A receive-only student of an application on the mediasoup API alone. */
async function rawStudent() {
  const device = new Device({ handlerName: 'Chrome111' });
  await device.load({ routerRtpCapabilities: await askParent('routerRtpCapabilities') });
  const params = await askParent('createTransport');
  const transport = device.createRecvTransport(params);
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    askParent('connect', { transportId: transport.id, dtlsParameters }).then(callback, errback);
  });
  const watched = [];
  const consumers = await askParent('consume', {
    transportId: transport.id,
    rtpCapabilities: device.rtpCapabilities,
  });
  for (const c of consumers) watched.push(watch((await transport.consume(c)).track));
  await askParent('resume', { transportId: transport.id });
  return { watched, close: () => transport.close() };
}

async function janusStudent(url, mountpoint) {
  const transaction = () => Math.random().toString(36).slice(2);
  const post = async (path, body) => {
    const res = await fetch(url + path, {
      method: 'POST',
      body: JSON.stringify({ ...body, transaction: transaction() }),
    });
    const answer = await res.json();
    if (answer.janus === 'error') throw new Error(`janus: ${answer.error.reason}`);
    return answer;
  };
  const session = (await post('', { janus: 'create' })).data.id;
  const handle = (await post(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.streaming' }))
    .data.id;
  let closed = false;
  const offer = new Promise((resolve, reject) => {
    // Long polling also keeps the session alive.
    (async () => {
      while (!closed) {
        const res = await fetch(`${url}/${session}?maxev=10`);
        const events = [].concat(await res.json());
        for (const e of events) {
          if (e.jsep?.type === 'offer') resolve(e.jsep);
          if (e.plugindata?.data?.error) reject(new Error(`janus: ${e.plugindata.data.error}`));
        }
      }
    })().catch((err) => (closed ? undefined : reject(err)));
  });
  await post(`/${session}/${handle}`, {
    janus: 'message',
    body: { request: 'watch', id: mountpoint },
  });
  const pc = new wrtc.RTCPeerConnection();
  const watched = [];
  pc.ontrack = (e) => watched.push(watch(e.track));
  await pc.setRemoteDescription(await offer);
  await pc.setLocalDescription(await pc.createAnswer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
  });
  await post(`/${session}/${handle}`, {
    janus: 'message',
    body: { request: 'start' },
    jsep: { type: 'answer', sdp: pc.localDescription.sdp, trickle: false },
  });
  return {
    watched,
    close: () => {
      closed = true;
      pc.close();
    },
  };
}

process.on('message', async (m) => {
  try {
    if (m.rawAnswer) {
      const { id, result, failure } = m.rawAnswer;
      const request = pending.get(id);
      pending.delete(id);
      if (failure) request?.reject(new Error(failure));
      else request?.resolve(result);
    } else if (m === 'report') {
      const report = students.map((s) => {
        const video = s.watched.find((w) => w.kind === 'video')?.stats;
        const audio = s.watched.find((w) => w.kind === 'audio')?.stats;
        return {
          video: video?.units ?? 0,
          audio: audio?.units ?? 0,
          width: video?.width ?? 0,
          height: video?.height ?? 0,
        };
      });
      process.send({ report });
    } else if (m === 'close') {
      for (const s of students) s.close();
      // @roamhq/wrtc can crash while its threads are torn down at a natural exit: leave at once.
      process.exit(0);
    } else if (m.viewers) {
      // A few at a time: each one negotiates, gathers and starts decoders.
      for (let i = 0; i < m.viewers; i += 5) {
        const batch = [];
        for (let j = i; j < Math.min(m.viewers, i + 5); j++)
          batch.push(
            m.cosmo
              ? cosmoStudent(m.cosmo.url, m.cosmo.tokens[j])
              : m.raw
                ? rawStudent()
                : janusStudent(m.janus.url, m.janus.mountpoint),
          );
        students.push(...(await Promise.all(batch)));
      }
      process.send({ ready: students.length });
    }
  } catch (err) {
    process.send({ error: err.message });
  }
});
