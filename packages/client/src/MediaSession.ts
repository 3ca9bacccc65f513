import { Device } from 'mediasoup-client';
import type { types as mc } from 'mediasoup-client';
import {
  cosmo,
  dtlsParametersFromProto,
  dtlsParametersToProto,
  iceCandidatesFromProto,
  iceParametersFromProto,
  mediaKindFromProto,
  mediaKindToProto,
  mediaSourceFromProto,
  mediaSourceToProto,
  rtpCapabilitiesFromProto,
  rtpCapabilitiesToProto,
  rtpParametersFromProto,
  rtpParametersToProto,
  type ClientFrameInit,
  type ClientRequestKind,
  type MediaKind,
  type MediaSource,
  type ServerFrame,
} from '@cosmo/core';
import { MediaReachability, type MediaReachabilityState } from './MediaReachability.js';

/** Sends one signalling request on the current connection. */
export type RequestFn = <K extends ClientRequestKind>(
  kind: K,
  body: NonNullable<ClientFrameInit[K]>,
) => Promise<ServerFrame>;

/** How a media session connects. */
export interface MediaSessionOptions {
  /** mediasoup-client's browser handler (detected when absent). */
  handlerName?: mc.BuiltinHandlerName | undefined;
  /** The STUN/TURN servers of the current join. */
  iceServers: () => RTCIceServer[];
  /** A transport not connected this long after it is first used counts as unreachable. */
  connectTimeoutMs: number;
  /** Whether media gets through changed. */
  onReachability?: (state: MediaReachabilityState) => void;
}

/** A track this client publishes. */
export interface LocalTrack {
  source: MediaSource;
  track: MediaStreamTrack;
  producerId: string;
  paused: boolean;
}

/** A track this client receives. */
export interface RemoteTrack {
  producerId: string;
  consumerId: string;
  participantId: string;
  kind: MediaKind;
  source: MediaSource;
  track: MediaStreamTrack;
  /** The spatial layer asked for (simulcast video), or -1. */
  spatialLayer: number;
}

/** Camera simulcast: quarter, half and full resolution. */
const CAMERA_ENCODINGS: mc.RtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

/** The simulcast layer that suits a tile `width` CSS pixels wide. */
export function layerForWidth(width: number): number {
  if (width <= 240) return 0;
  if (width <= 640) return 1;
  return 2;
}

/**
 * The WebRTC side of a session: the mediasoup-client device, one send and one receive transport,
 * the producers and consumers. It outlives a signalling connection: after a resume the transports
 * restart ICE; after a media reset or a rejoin they are re-created and local tracks re-published.
 */
export class MediaSession {
  readonly device: Device;
  readonly local = new Map<MediaSource, LocalTrack>();
  readonly remote = new Map<string, RemoteTrack>();
  readonly #producers = new Map<MediaSource, mc.Producer>();
  readonly #consumers = new Map<string, mc.Consumer>();
  #send: mc.Transport | undefined;
  #recv: mc.Transport | undefined;
  readonly #creating = new Map<'send' | 'recv', Promise<mc.Transport>>();
  #request: RequestFn;
  readonly #options: MediaSessionOptions;
  readonly #reachability: MediaReachability;
  #closed = false;

  constructor(request: RequestFn, options: MediaSessionOptions) {
    this.#request = request;
    this.#options = options;
    this.device = new Device(
      options.handlerName ? { handlerName: options.handlerName } : undefined,
    );
    this.#reachability = new MediaReachability(options.connectTimeoutMs, (state) =>
      options.onReachability?.(state),
    );
  }

  /** Whether media gets through (undefined until something is sent or received). */
  get reachability(): MediaReachabilityState | undefined {
    return this.#reachability.state;
  }

  /** Points the session at a new signalling connection. */
  setRequest(request: RequestFn): void {
    this.#request = request;
  }

  /** Loads the router's capabilities (once) and tells the server what this device can receive. */
  async load(routerRtpCapabilities: cosmo.v1.RtpCapabilities.$Properties): Promise<void> {
    if (!this.device.loaded) {
      await this.device.load({
        routerRtpCapabilities: rtpCapabilitiesFromProto(
          routerRtpCapabilities,
        ) as mc.RtpCapabilities,
      });
    }
    await this.#request('setRtpCapabilities', {
      rtpCapabilities: rtpCapabilitiesToProto(this.device.rtpCapabilities as never),
    });
  }

  /** Publishes `track` as `source`; a camera goes out in three simulcast layers. */
  async publish(track: MediaStreamTrack, source: MediaSource): Promise<LocalTrack> {
    await this.unpublish(source);
    const transport = await this.#transport('send');
    const producer = await transport.produce({
      track,
      stopTracks: false,
      appData: { source },
      ...(source === 'camera' ? { encodings: CAMERA_ENCODINGS } : {}),
      ...(source === 'microphone' ? { codecOptions: { opusDtx: true, opusFec: true } } : {}),
    });
    this.#producers.set(source, producer);
    const local: LocalTrack = { source, track, producerId: producer.id, paused: false };
    this.local.set(source, local);
    return local;
  }

  /** Stops publishing `source` (the track itself keeps running: the caller owns it). */
  async unpublish(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    this.#producers.delete(source);
    this.local.delete(source);
    if (!producer) return;
    producer.close();
    await this.#request('closeProducer', { producerId: producer.id }).catch(() => undefined);
  }

  /** Pauses or resumes a published source (mute/unmute); the server tells everyone. */
  async setPaused(source: MediaSource, paused: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    const local = this.local.get(source);
    if (!producer || !local) return;
    if (paused) {
      producer.pause();
      local.paused = true;
      await this.#request('pauseProducer', { producerId: producer.id });
    } else {
      await this.#request('resumeProducer', { producerId: producer.id });
      producer.resume();
      local.paused = false;
    }
  }

  /** Marks a source paused locally after a moderator paused it on the server. */
  pausedByServer(source: MediaSource): void {
    this.#producers.get(source)?.pause();
    const local = this.local.get(source);
    if (local) local.paused = true;
  }

  /** Receives a producer; the consumer is resumed once wired. */
  async subscribe(producerId: string, spatialLayer = 2): Promise<RemoteTrack> {
    const existing = this.remote.get(producerId);
    if (existing) return existing;
    const transport = await this.#transport('recv');
    const res = await this.#request('consume', { transportId: transport.id, producerId });
    const c = res.consume!;
    const consumer = await transport.consume({
      id: c.consumerId!,
      producerId: c.producerId!,
      kind: mediaKindFromProto(c.kind)!,
      rtpParameters: rtpParametersFromProto(c.rtpParameters!) as mc.RtpParameters,
    });
    this.#consumers.set(producerId, consumer);
    const remote: RemoteTrack = {
      producerId,
      consumerId: consumer.id,
      participantId: c.participantId ?? '',
      kind: consumer.kind as MediaKind,
      source: mediaSourceFromProto(c.source) ?? 'camera',
      track: consumer.track,
      spatialLayer: consumer.rtpParameters.encodings?.length ? spatialLayer : -1,
    };
    this.remote.set(producerId, remote);
    if (remote.spatialLayer >= 0 && spatialLayer !== 2) {
      await this.#request('setPreferredLayers', { consumerId: consumer.id, spatialLayer });
    }
    await this.#request('resumeConsumer', { consumerId: consumer.id });
    return remote;
  }

  /** Stops receiving a producer; returns the track that ended, if any. */
  async unsubscribe(producerId: string, tellServer = true): Promise<RemoteTrack | undefined> {
    const remote = this.remote.get(producerId);
    const consumer = this.#consumers.get(producerId);
    this.remote.delete(producerId);
    this.#consumers.delete(producerId);
    consumer?.close();
    if (consumer && tellServer) {
      await this.#request('closeConsumer', { consumerId: consumer.id }).catch(() => undefined);
    }
    return remote;
  }

  /** The producer id behind a consumer id (server events name consumers). */
  producerOfConsumer(consumerId: string): string | undefined {
    for (const [producerId, c] of this.#consumers) if (c.id === consumerId) return producerId;
    return undefined;
  }

  /** Asks for the simulcast layer that suits a tile of `width` pixels. */
  async setPreferredWidth(producerId: string, width: number): Promise<void> {
    const remote = this.remote.get(producerId);
    if (!remote || remote.spatialLayer < 0) return;
    const layer = layerForWidth(width);
    if (layer === remote.spatialLayer) return;
    remote.spatialLayer = layer;
    await this.#request('setPreferredLayers', {
      consumerId: remote.consumerId,
      spatialLayer: layer,
    });
  }

  /** After a network change: new ICE credentials for both transports. */
  async restartIce(): Promise<void> {
    for (const transport of [this.#send, this.#recv]) {
      if (!transport || transport.closed) continue;
      const res = await this.#request('restartIce', { transportId: transport.id });
      await transport.restartIce({
        iceParameters: iceParametersFromProto(res.restartIce!.iceParameters!),
      });
    }
  }

  /**
   * Drops transports, producers and consumers (the server's are gone), keeping the local
   * tracks to publish again. Returns the remote tracks that ended.
   */
  reset(): RemoteTrack[] {
    const ended = [...this.remote.values()];
    this.#send?.close();
    this.#recv?.close();
    this.#send = undefined;
    this.#recv = undefined;
    this.#creating.clear();
    this.#producers.clear();
    this.#consumers.clear();
    this.remote.clear();
    return ended;
  }

  /**
   * Publishes again every local track that was live before a reset, of the sources `allowed`
   * (after a move to another room); the others are stopped.
   */
  async republish(allowed: (source: MediaSource) => boolean = () => true): Promise<void> {
    const before = [...this.local.values()];
    this.local.clear();
    for (const local of before) {
      if (local.track.readyState === 'ended') continue;
      if (!allowed(local.source)) {
        local.track.stop();
        continue;
      }
      await this.publish(local.track, local.source);
      if (local.paused) await this.setPaused(local.source, true);
    }
  }

  /** Closes every transport. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.reset();
    this.local.clear();
    this.#reachability.close();
  }

  /**
   * The transport of a direction, created once: calls that overlap (a camera and a microphone
   * published together) share the one being created rather than each opening another.
   */
  #transport(direction: 'send' | 'recv'): Promise<mc.Transport> {
    const existing = direction === 'send' ? this.#send : this.#recv;
    if (existing && !existing.closed) return Promise.resolve(existing);
    const pending = this.#creating.get(direction);
    if (pending) return pending;
    const created = this.#createTransport(direction).finally(() =>
      this.#creating.delete(direction),
    );
    this.#creating.set(direction, created);
    return created;
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<mc.Transport> {
    const res = await this.#request('createTransport', {
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
      // TURN with the credentials the server minted for this join (a network that blocks the
      // media ports reaches the server through it).
      iceServers: this.#options.iceServers(),
    };
    const transport =
      direction === 'send'
        ? this.device.createSendTransport(options)
        : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#request('connectTransport', {
        transportId: transport.id,
        dtlsParameters: dtlsParametersToProto(dtlsParameters as never),
      }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.#request('produce', {
        transportId: transport.id,
        kind: mediaKindToProto(kind),
        rtpParameters: rtpParametersToProto(rtpParameters as never),
        source: mediaSourceToProto(appData['source'] as MediaSource),
      }).then((r) => callback({ id: r.produce!.producerId! }), errback);
    });
    this.#reachability.watch(transport);
    if (direction === 'send') this.#send = transport;
    else this.#recv = transport;
    return transport;
  }
}
