import { createSocket } from 'node:dgram';
import type { types as ms } from 'mediasoup';

/** A free UDP port on loopback (the OS picks it; the socket is closed again at once). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * What a consumer on a PlainTransport may receive when an ffmpeg listens: the router's codecs
 * without RTX and without RTCP feedback (ffmpeg asks for no retransmissions), no header extensions.
 */
export function plainRtpCapabilities(router: ms.Router): ms.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => !/\/rtx$/i.test(c.mimeType))
      .map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}

/** The SDP that tells ffmpeg what a consumer sends to `port` on loopback. */
export function sdpFor(consumer: ms.Consumer, port: number, name: string): string {
  const codec = consumer.rtpParameters.codecs[0]!;
  const pt = codec.payloadType;
  const [, subtype] = codec.mimeType.split('/');
  const rtpmap =
    consumer.kind === 'audio'
      ? `${subtype}/${codec.clockRate}/${codec.channels ?? 1}`
      : `${subtype}/${codec.clockRate}`;
  const fmtp = Object.entries(codec.parameters ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(';');
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    `s=${name}`,
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${consumer.kind} ${port} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${rtpmap}`,
    ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : []),
    'a=recvonly',
    '',
  ].join('\n');
}
