// Test helper: real participants in Node: CosmoClient over @roamhq/wrtc, with synthetic sources
// and sinks that count what arrives.
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import type { MediaSource, Role } from '@cosmo/core';
import { CosmoClient, type AutoSubscribe, type WebSocketConstructor } from '@cosmo/client';
import {
  patternTrack,
  toneTrack,
  useNodeWebRtc,
  watchTrack,
  type NodeWebRtc,
  type TrackStats,
} from '@cosmo/client/node';
import type { EphemeralServer } from '../ephemeral.js';
import type { JoinClaims } from '../tokens.js';

const rtc = wrtc as unknown as NodeWebRtc;
useNodeWebRtc(rtc);

/** A connected participant and what it has received, by producer id. */
export interface Peer {
  client: CosmoClient;
  received: Map<string, TrackStats>;
  /** Publishes a 440 Hz tone; returns the producer id. */
  publishTone(source?: MediaSource): Promise<string>;
  /** Publishes a moving 640x360 pattern (simulcast when it is the camera). */
  publishPattern(source?: MediaSource): Promise<string>;
  close(): Promise<void>;
}

/** Joins `room` as a new participant. */
export async function joinPeer(
  t: Pick<EphemeralServer, 'url' | 'token'>,
  room: string,
  identity: string,
  role: Role,
  options: { grants?: JoinClaims['grants']; autoSubscribe?: AutoSubscribe } = {},
): Promise<Peer> {
  const client = new CosmoClient({
    url: t.url,
    token: await t.token(room, identity, role, options.grants),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    handlerName: 'Chrome111',
    autoSubscribe: options.autoSubscribe ?? 'all',
  });
  const received = new Map<string, TrackStats>();
  const stoppers: (() => void)[] = [];
  client.on('trackSubscribed', (remote) =>
    received.set(remote.producerId, watchTrack(rtc, remote.track)),
  );
  client.on('trackUnsubscribed', (remote) => received.get(remote.producerId)?.stop());
  await client.connect();
  const publish = async (
    make: () => { track: MediaStreamTrack; stop(): void },
    source: MediaSource,
  ) => {
    const synthetic = make();
    stoppers.push(synthetic.stop);
    return (await client.publish(synthetic.track, source)).producerId;
  };
  return {
    client,
    received,
    publishTone: (source = 'microphone') => publish(() => toneTrack(rtc), source),
    publishPattern: (source = 'camera') => publish(() => patternTrack(rtc), source),
    close: async () => {
      await client.close();
      for (const stop of stoppers) stop();
      for (const stats of received.values()) stats.stop();
    },
  };
}
