// A child process that receives RTP on one UDP port and keeps, per SSRC, the packets received,
// the packets expected (from sequence numbers), and the interarrival jitter of RFC 3550. The
// parent sends 'reset' to start a measurement window and 'report' to read it.
//   node rtpReceiver.mjs '{"96": 90000, "100": 48000}'   (clock rate per payload type)
import dgram from 'node:dgram';

const clockRates = JSON.parse(process.argv[2] ?? '{}');
/** @type {Map<number, { base: number, max: number, cycles: number, received: number, jitter: number, transit: number | undefined, clock: number }>} */
let streams = new Map();

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 2 ** 20 });
socket.on('message', (msg) => {
  if (msg.length < 12 || msg[0] >> 6 !== 2) return;
  const pt = msg[1] & 0x7f;
  if (pt >= 72 && pt <= 76) return; // RTCP
  const seq = msg.readUInt16BE(2);
  const ts = msg.readUInt32BE(4);
  const ssrc = msg.readUInt32BE(8);
  const clock = clockRates[pt] ?? 90000;
  const arrival = (performance.now() / 1000) * clock;
  let s = streams.get(ssrc);
  if (!s) {
    s = { base: seq, max: seq, cycles: 0, received: 0, jitter: 0, transit: undefined, clock };
    streams.set(ssrc, s);
  }
  s.received++;
  const delta = (seq - s.max) & 0xffff;
  if (delta > 0 && delta < 0x8000) {
    if (seq < s.max) s.cycles += 0x10000;
    s.max = seq;
  }
  const transit = arrival - ts;
  if (s.transit !== undefined) {
    let d = Math.abs(transit - s.transit);
    // RTP timestamps wrap at 2^32.
    if (d > 2 ** 31) d = Math.abs(d - 2 ** 32);
    s.jitter += (d - s.jitter) / 16;
  }
  s.transit = transit;
});

process.on('message', (m) => {
  if (m === 'reset') streams = new Map();
  if (m === 'report') {
    const report = [...streams].map(([ssrc, s]) => ({
      ssrc,
      received: s.received,
      expected: s.cycles + s.max - s.base + 1,
      clock: s.clock,
      jitterMs: (s.jitter / s.clock) * 1000,
    }));
    process.send({ report });
  }
  if (m === 'close') socket.close(() => process.exit(0));
});

socket.bind(0, '127.0.0.1', () => process.send({ port: socket.address().port }));
