// codec: encode/decode of real signalling messages, protobuf against the JSON form (the baseline),
// measured in the same run with the `benchmark` package.
import { Buffer } from 'node:buffer';
import Benchmark from 'benchmark';
import {
  cosmo,
  decodeClientFrame,
  decodeClientFrameJson,
  decodeServerFrame,
  decodeServerFrameJson,
  encodeClientFrame,
  encodeClientFrameJson,
  encodeServerFrame,
  encodeServerFrameJson,
} from '@cosmo/core';

const pb = cosmo.v1;

/** A join response for a class of `n`: what a student gets on entering a 300-student lecture. */
function joinResponse(n) {
  const participants = Array.from({ length: n }, (_, i) => ({
    id: `5f0c${i.toString(16).padStart(4, '0')}-7c1e-4a55-9f6a-3d2c5b9a8e${String(i).padStart(2, '0')}`,
    identity: `student-${i}`,
    name: `Student ${i}`,
    role: pb.Role.ROLE_STUDENT,
    permissions: { chat: true },
    joinedAt: 1795980000000 + i * 1000,
  }));
  return {
    requestId: 7,
    join: { sessionId: 'b3c1', participantId: 'p1', protocolVersion: 1, participants },
  };
}

/** A simulcast produce request, as mediasoup-client sends it. */
const produce = {
  id: 12,
  produce: {
    transportId: 'a1f4c2d8-9b7e-4c3a-8f1d-2e6b5a4c3d21',
    kind: pb.MediaKind.MEDIA_KIND_VIDEO,
    source: pb.MediaSource.MEDIA_SOURCE_CAMERA,
    rtpParameters: {
      mid: '1',
      codecs: [
        {
          mimeType: 'video/VP8',
          payloadType: 96,
          clockRate: 90000,
          parameters: {},
          rtcpFeedback: [
            { type: 'nack' },
            { type: 'nack', parameter: 'pli' },
            { type: 'ccm', parameter: 'fir' },
            { type: 'goog-remb' },
            { type: 'transport-cc' },
          ],
        },
        {
          mimeType: 'video/rtx',
          payloadType: 97,
          clockRate: 90000,
          parameters: { apt: { number: 96 } },
        },
      ],
      headerExtensions: [
        { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
        { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
        { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 3 },
      ],
      encodings: [
        { ssrc: 1111, rtx: { ssrc: 2222 }, scaleResolutionDownBy: 4, maxBitrate: 150000 },
        { ssrc: 3333, rtx: { ssrc: 4444 }, scaleResolutionDownBy: 2, maxBitrate: 500000 },
        { ssrc: 5555, rtx: { ssrc: 6666 }, scaleResolutionDownBy: 1, maxBitrate: 1500000 },
      ],
      rtcp: { cname: 'f8Qk2x', reducedSize: true },
    },
  },
};

const activeSpeaker = {
  seq: 0,
  activeSpeaker: {
    speakers: [
      { participantId: 'p9', volume: -23 },
      { participantId: 'p3', volume: -41 },
    ],
  },
};

/** The messages measured, each with its codec pair. */
export function cases(classSize = 300) {
  return [
    {
      name: `join response (${classSize} students)`,
      kind: 'server',
      frame: joinResponse(classSize),
    },
    { name: 'produce request (simulcast)', kind: 'client', frame: produce },
    { name: 'active speaker event', kind: 'server', frame: activeSpeaker },
  ];
}

/**
 * Runs the codec scenario. `maxTime` is seconds per measurement (the smoke test uses a tiny one).
 * @param {{ maxTime?: number, classSize?: number, log?: (line: string) => void }} [options]
 */
export async function run({ maxTime = 1, classSize = 300, log = console.error } = {}) {
  const rows = [];
  const table = [];
  for (const c of cases(classSize)) {
    const enc =
      c.kind === 'server'
        ? [encodeServerFrame, encodeServerFrameJson]
        : [encodeClientFrame, encodeClientFrameJson];
    const dec =
      c.kind === 'server'
        ? [decodeServerFrame, decodeServerFrameJson]
        : [decodeClientFrame, decodeClientFrameJson];
    const binary = enc[0](c.frame);
    const text = enc[1](c.frame);
    const results = {};
    const suite = new Benchmark.Suite(c.name);
    suite
      .add('protobuf encode', () => enc[0](c.frame), { maxTime })
      .add('JSON encode', () => enc[1](c.frame), { maxTime })
      .add('protobuf decode', () => dec[0](binary, { maxBytes: 1 << 24 }), { maxTime })
      .add('JSON decode', () => dec[1](text, { maxBytes: 1 << 24 }), { maxTime })
      .on('cycle', (e) => {
        results[e.target.name] = e.target.hz;
        log(`  ${c.name}: ${String(e.target)}`);
      });
    log(`codec: ${c.name}`);
    suite.run({ async: false });
    const row = {
      message: c.name,
      protobufBytes: binary.byteLength,
      jsonBytes: Buffer.byteLength(text),
      encodeOpsPerSec: { protobuf: results['protobuf encode'], json: results['JSON encode'] },
      decodeOpsPerSec: { protobuf: results['protobuf decode'], json: results['JSON decode'] },
      encodeSpeedup: results['protobuf encode'] / results['JSON encode'],
      decodeSpeedup: results['protobuf decode'] / results['JSON decode'],
      sizeRatio: Buffer.byteLength(text) / binary.byteLength,
    };
    table.push(row);
    rows.push(
      { label: `${c.name}: decode ×`, value: row.decodeSpeedup },
      { label: `${c.name}: encode ×`, value: row.encodeSpeedup },
    );
  }
  return { title: 'protobuf vs JSON (× faster; > 1 means protobuf wins)', unit: '×', rows, table };
}
