// Test helper: a real WebRTC participant in Node (mediasoup-client 3.24 with the Chrome111 handler
// over @roamhq/wrtc), with synthetic audio and video sources and sinks that count what arrives.
import wrtc from '@roamhq/wrtc';
import type { types as mc } from 'mediasoup-client';
import { Device } from 'mediasoup-client';
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  cosmo,
  dtlsParametersToProto,
  iceCandidatesFromProto,
  iceParametersFromProto,
  dtlsParametersFromProto,
  mediaKindFromProto,
  mediaKindToProto,
  mediaSourceToProto,
  rtpCapabilitiesFromProto,
  rtpCapabilitiesToProto,
  rtpParametersFromProto,
  rtpParametersToProto,
  type MediaSource,
  type ServerFrame,
} from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';

const g = globalThis as Record<string, unknown>;
for (const name of [
  'RTCPeerConnection',
  'RTCSessionDescription',
  'RTCIceCandidate',
  'MediaStream',
  'MediaStreamTrack',
  'RTCRtpSender',
  'RTCRtpReceiver',
  'RTCRtpTransceiver',
] as const) {
  g[name] ??= (wrtc as unknown as Record<string, unknown>)[name];
}

const { RTCAudioSource, RTCVideoSource, RTCAudioSink, RTCVideoSink } = wrtc.nonstandard;

/** What a consumer received so far. */
export interface Received {
  consumerId: string;
  producerId: string;
  kind: 'audio' | 'video';
  /** Decoded video frames, or 10 ms audio chunks. */
  units: number;
  width: number;
  height: number;
  /** Peak absolute sample of the audio received (0 = silence). */
  peak: number;
}

/** A participant of a test lecture. */
export class NodePeer {
  readonly signalling: SignallingClient;
  readonly join: NonNullable<ServerFrame['join']>;
  readonly device: Device;
  readonly events: ServerFrame[] = [];
  readonly received = new Map<string, Received>();
  #send?: mc.Transport;
  #recv?: mc.Transport;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  readonly #stoppers: (() => void)[] = [];

  private constructor(
    signalling: SignallingClient,
    join: NonNullable<ServerFrame['join']>,
    device: Device,
  ) {
    this.signalling = signalling;
    this.join = join;
    this.device = device;
    signalling.on('event', (frame) => this.events.push(frame));
  }

  /** Connects, joins with `token`, loads the device and announces its RTP capabilities. */
  static async connect(url: string, token: string): Promise<NodePeer> {
    const signalling = await SignallingClient.connect({
      url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const response = await signalling.request('join', {
      token,
      protocolVersion: PROTOCOL_VERSION,
      clientInfo: 'cosmo-test-peer',
    });
    const join = response.join!;
    const device = new Device({ handlerName: 'Chrome111' });
    await device.load({
      routerRtpCapabilities: rtpCapabilitiesFromProto(
        join.routerRtpCapabilities!,
      ) as mc.RtpCapabilities,
    });
    await signalling.request('setRtpCapabilities', {
      rtpCapabilities: rtpCapabilitiesToProto(device.rtpCapabilities as never),
    });
    return new NodePeer(signalling, join, device);
  }

  /** This participant's id. */
  get id(): string {
    return this.join.participantId ?? '';
  }

  async #transport(direction: 'send' | 'recv'): Promise<mc.Transport> {
    const existing = direction === 'send' ? this.#send : this.#recv;
    if (existing && !existing.closed) return existing;
    const res = await this.signalling.request('createTransport', {
      direction:
        direction === 'send'
          ? cosmo.v1.TransportDirection.TRANSPORT_DIRECTION_SEND
          : cosmo.v1.TransportDirection.TRANSPORT_DIRECTION_RECV,
    });
    const t = res.transportCreated!;
    const options = {
      id: t.id!,
      iceParameters: iceParametersFromProto(t.iceParameters!),
      iceCandidates: iceCandidatesFromProto(t.iceCandidates) as mc.IceCandidate[],
      dtlsParameters: dtlsParametersFromProto(t.dtlsParameters!) as mc.DtlsParameters,
    };
    const transport =
      direction === 'send'
        ? this.device.createSendTransport(options)
        : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signalling
        .request('connectTransport', {
          transportId: transport.id,
          dtlsParameters: dtlsParametersToProto(dtlsParameters as never),
        })
        .then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.signalling
        .request('produce', {
          transportId: transport.id,
          kind: mediaKindToProto(kind),
          rtpParameters: rtpParametersToProto(rtpParameters as never),
          source: mediaSourceToProto(appData['source'] as MediaSource),
        })
        .then((r) => callback({ id: r.produce!.producerId! }), errback);
    });
    if (direction === 'send') this.#send = transport;
    else this.#recv = transport;
    return transport;
  }

  /** Publishes a 440 Hz tone as the microphone. */
  async publishAudio(source: MediaSource = 'microphone'): Promise<mc.Producer> {
    const audio = new RTCAudioSource();
    const track = audio.createTrack();
    const samples = new Int16Array(480);
    let phase = 0;
    this.#timers.push(
      setInterval(() => {
        for (let i = 0; i < samples.length; i++) {
          samples[i] = Math.round(8000 * Math.sin(phase));
          phase += (2 * Math.PI * 440) / 48000;
        }
        audio.onData({
          samples,
          sampleRate: 48000,
          bitsPerSample: 16,
          channelCount: 1,
          numberOfFrames: 480,
        });
      }, 10),
    );
    this.#stoppers.push(() => track.stop());
    const transport = await this.#transport('send');
    return transport.produce({ track: track as never, appData: { source } });
  }

  /** Publishes a moving 640x360 test pattern at 15 fps, in three simulcast layers by default. */
  async publishVideo(simulcast = true, source: MediaSource = 'camera'): Promise<mc.Producer> {
    const video = new RTCVideoSource();
    const track = video.createTrack();
    const width = 640;
    const height = 360;
    const data = new Uint8Array((width * height * 3) / 2);
    let n = 0;
    this.#timers.push(
      setInterval(() => {
        n++;
        for (let i = 0; i < width * height; i++) data[i] = (i + n * 4) & 0xff;
        data.fill(128, width * height);
        video.onFrame({ width, height, data });
      }, 66),
    );
    this.#stoppers.push(() => track.stop());
    const transport = await this.#transport('send');
    return transport.produce({
      track: track as never,
      appData: { source },
      ...(simulcast
        ? {
            encodings: [
              { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
              { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
              { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 900_000 },
            ],
          }
        : {}),
    });
  }

  /** Consumes a producer, resumes it, and counts what arrives in `received`. */
  async consume(producerId: string): Promise<mc.Consumer> {
    const transport = await this.#transport('recv');
    const res = await this.signalling.request('consume', { transportId: transport.id, producerId });
    const c = res.consume!;
    const consumer = await transport.consume({
      id: c.consumerId!,
      producerId: c.producerId!,
      kind: mediaKindFromProto(c.kind)!,
      rtpParameters: rtpParametersFromProto(c.rtpParameters!) as mc.RtpParameters,
    });
    const stats: Received = {
      consumerId: consumer.id,
      producerId,
      kind: consumer.kind as 'audio' | 'video',
      units: 0,
      width: 0,
      height: 0,
      peak: 0,
    };
    this.received.set(producerId, stats);
    if (consumer.kind === 'video') {
      const sink = new RTCVideoSink(consumer.track as never);
      sink.onframe = ({ frame }: { frame: { width: number; height: number } }) => {
        stats.units++;
        stats.width = frame.width;
        stats.height = frame.height;
      };
      this.#stoppers.push(() => sink.stop());
    } else {
      const sink = new RTCAudioSink(consumer.track as never);
      sink.ondata = ({ samples }: { samples: Int16Array }) => {
        stats.units++;
        for (const s of samples) stats.peak = Math.max(stats.peak, Math.abs(s));
      };
      this.#stoppers.push(() => sink.stop());
    }
    await this.signalling.request('resumeConsumer', { consumerId: consumer.id });
    return consumer;
  }

  /** Producers announced to this peer (from join and from events), minus removed ones. */
  producers(): cosmo.v1.ProducerInfo.$Properties[] {
    const all = new Map<string, cosmo.v1.ProducerInfo.$Properties>();
    for (const p of this.join.participants ?? [])
      for (const pr of p.producers ?? []) all.set(pr.id!, pr);
    for (const e of this.events) {
      if (e.body === 'producerAdded')
        all.set(e.producerAdded.producer!.id!, e.producerAdded.producer!);
      if (e.body === 'producerRemoved') all.delete(e.producerRemoved.producerId!);
      if (e.body === 'mediaReset') all.clear();
    }
    return [...all.values()];
  }

  /** Forgets local media after a server-side reset (worker death), keeping the signalling. */
  resetMedia(): void {
    this.#send?.close();
    this.#recv?.close();
    this.#send = undefined;
    this.#recv = undefined;
    for (const t of this.#timers.splice(0)) clearInterval(t);
    for (const stop of this.#stoppers.splice(0)) stop();
    this.received.clear();
  }

  /** Leaves and frees every native resource. */
  async close(): Promise<void> {
    this.resetMedia();
    if (!this.signalling.closed) {
      await this.signalling.request('leave', {}).catch(() => undefined);
      this.signalling.close();
    }
  }
}

/** Polls `check` until it returns true, or fails after `timeoutMs` with `what`. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
