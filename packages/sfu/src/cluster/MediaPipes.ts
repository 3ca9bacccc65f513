import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import {
  mediaKindFromProto,
  mediaKindToProto,
  mediaSourceFromProto,
  rtpParametersFromProto,
  rtpParametersToProto,
  type cosmo,
} from '@cosmo/core';
import type { Classroom } from '../Classroom.js';
import type { ClusterBus, ClusterMessageIn } from './ClusterBus.js';
import type { RemoteParticipant } from './RemoteParticipant.js';

/** How many times a failed pipe is tried again. */
const PIPE_RETRIES = 3;

/** Where this node's pipe transports listen (the media address other nodes reach). */
export interface PipeAddress {
  listenIp: string;
  announcedIp: string | undefined;
}

/**
 * Media between this node's shard of a classroom and the other nodes' shards, as mediasoup's guide
 * says to carry it across hosts: one PipeTransport pair per (router, node) pair, SRTP and RTX on,
 * negotiated over the bus. The node that consumes asks (`pipeIn`): it opens its end, the producer's
 * node opens the other and connects both ways, then consumes the producer into the pipe; the
 * consuming node produces it under the same id and the classroom takes it on as the remote
 * participant's. Pause, resume and close follow the original producer over the bus.
 */
export class MediaPipes {
  readonly #bus: ClusterBus;
  readonly #room: string;
  readonly #classroom: Classroom;
  readonly #address: PipeAddress;
  readonly #logger: Logger;
  /** Our ends of pipes that carry our producers to a node, by `node/router`. */
  readonly #outgoing = new Map<string, ms.PipeTransport>();
  /** Our ends of pipes that bring a node's producers here, by `node/router`. */
  readonly #incoming = new Map<string, Promise<ms.PipeTransport>>();
  /** Producers piped here, by id (the same id as on their node). */
  readonly #piped = new Map<string, ms.Producer>();
  readonly #piping = new Set<string>();
  #closed = false;

  constructor(bus: ClusterBus, classroom: Classroom, address: PipeAddress, logger: Logger) {
    this.#bus = bus;
    this.#room = classroom.room;
    this.#classroom = classroom;
    this.#address = address;
    this.#logger = logger;
  }

  /**
   * Pipes a producer of `owner`'s node here and gives it to the classroom as `owner`'s; tries
   * again (after 1, 2, 3 s) when the other node did not answer or refused.
   */
  async pipeIn(
    owner: RemoteParticipant,
    offer: cosmo.v1.ProducerOffer.$Properties,
    attempt = 0,
  ): Promise<void> {
    const producerId = offer.producerId ?? '';
    const routerId = offer.routerId ?? '';
    if (this.#closed || this.#piped.has(producerId) || this.#piping.has(producerId)) return;
    this.#piping.add(producerId);
    try {
      const transport = await this.#incomingTransport(owner.node, routerId);
      const answer = await this.#bus.request(owner.node, {
        room: this.#room,
        pipeConsume: { routerId, producerId },
      });
      const consumed = answer.pipeConsumed!;
      if (this.#closed || owner.closed || transport.closed) return;
      const producer = await transport.produce({
        id: producerId,
        kind: mediaKindFromProto(consumed.kind)!,
        rtpParameters: rtpParametersFromProto(consumed.rtpParameters!) as ms.RtpParameters,
        paused: Boolean(consumed.paused),
        appData: { participantId: owner.id, piped: true },
      });
      this.#piped.set(producerId, producer);
      producer.observer.once('close', () => this.#piped.delete(producerId));
      if (owner.closed) {
        producer.close();
        return;
      }
      await this.#classroom.adoptProducer(owner, producer, mediaSourceFromProto(offer.source)!);
    } catch (err) {
      const retry = attempt < PIPE_RETRIES && !this.#closed && !owner.closed;
      this.#logger.warn(
        { err: (err as Error).message, room: this.#room, producerId, node: owner.node, retry },
        'cluster: could not pipe a producer from another node',
      );
      if (retry)
        setTimeout(() => void this.pipeIn(owner, offer, attempt + 1), 1000 * (attempt + 1)).unref();
    } finally {
      this.#piping.delete(producerId);
    }
  }

  /** Answers a node that opens a pipe from one of our routers: our end, connected to theirs. */
  async answerOpen(message: ClusterMessageIn): Promise<void> {
    const routerId = message.pipeOpen!.routerId ?? '';
    try {
      const end = pipeEnd(message.pipeOpen!.end);
      const router = this.#classroom.routers.find((r) => r.id === routerId);
      if (!router) throw new Error('no such router in this classroom');
      const key = `${message.fromNode}/${routerId}`;
      this.#outgoing.get(key)?.close();
      const transport = await this.#create(router);
      this.#outgoing.set(key, transport);
      transport.observer.once('close', () => {
        if (this.#outgoing.get(key) === transport) this.#outgoing.delete(key);
      });
      await transport.connect(end);
      this.#bus.reply(message, { pipeOpened: endOf(transport) });
    } catch (err) {
      this.#bus.reply(message, err as Error);
    }
  }

  /** Answers a node that asks for a producer of ours through the pipe it opened. */
  async answerConsume(message: ClusterMessageIn): Promise<void> {
    const routerId = message.pipeConsume!.routerId ?? '';
    const producerId = message.pipeConsume!.producerId ?? '';
    const node = message.fromNode;
    try {
      const transport = this.#outgoing.get(`${node}/${routerId}`);
      if (!transport) throw new Error('open the pipe first');
      const consumer = await transport.consume({ producerId });
      const state = (s: Omit<cosmo.v1.ProducerState.$Properties, 'producerId'>) =>
        this.#bus.send(node, { room: this.#room, producerState: { producerId, ...s } });
      consumer.on('producerpause', () => state({ paused: true }));
      consumer.on('producerresume', () => state({ paused: false }));
      consumer.on('producerclose', () => state({ closed: true }));
      this.#bus.reply(message, {
        pipeConsumed: {
          kind: mediaKindToProto(consumer.kind),
          rtpParameters: rtpParametersToProto(consumer.rtpParameters),
          paused: consumer.producerPaused,
        },
      });
    } catch (err) {
      this.#bus.reply(message, err as Error);
    }
  }

  /** A piped producer's original paused, resumed or closed. */
  producerState(state: cosmo.v1.ProducerState.$Properties): void {
    const producer = this.#piped.get(state.producerId ?? '');
    if (!producer) return;
    if (state.closed) producer.close();
    else if (state.paused) void producer.pause().catch(() => undefined);
    else void producer.resume().catch(() => undefined);
  }

  /** A node is gone: the pipes with it close (its producers here with them). */
  dropNode(node: string): void {
    for (const [key, t] of this.#outgoing) if (key.startsWith(`${node}/`)) t.close();
    for (const [key, t] of this.#incoming) {
      if (!key.startsWith(`${node}/`)) continue;
      this.#incoming.delete(key);
      void t.then((transport) => transport.close()).catch(() => undefined);
    }
  }

  /** Closes every pipe (their producers here with them); new ones can be made. */
  reset(): void {
    for (const t of this.#outgoing.values()) t.close();
    for (const t of this.#incoming.values()) void t.then((x) => x.close()).catch(() => undefined);
    this.#outgoing.clear();
    this.#incoming.clear();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#outgoing.values()) t.close();
    for (const t of this.#incoming.values()) void t.then((x) => x.close()).catch(() => undefined);
    this.#outgoing.clear();
    this.#incoming.clear();
  }

  #incomingTransport(node: string, routerId: string): Promise<ms.PipeTransport> {
    const key = `${node}/${routerId}`;
    let ready = this.#incoming.get(key);
    if (ready) return ready;
    ready = (async () => {
      const transport = await this.#create(this.#classroom.router);
      try {
        const answer = await this.#bus.request(node, {
          room: this.#room,
          pipeOpen: { routerId, end: endOf(transport) },
        });
        await transport.connect(pipeEnd(answer.pipeOpened));
        return transport;
      } catch (err) {
        transport.close();
        throw err;
      }
    })();
    this.#incoming.set(key, ready);
    ready.then(
      (t) =>
        t.observer.once('close', () => {
          if (this.#incoming.get(key) === ready) this.#incoming.delete(key);
        }),
      () => {
        if (this.#incoming.get(key) === ready) this.#incoming.delete(key);
      },
    );
    return ready;
  }

  #create(router: ms.Router): Promise<ms.PipeTransport> {
    return router.createPipeTransport({
      listenIp: { ip: this.#address.listenIp, announcedIp: this.#address.announcedIp },
      enableSrtp: true,
      enableRtx: true,
    });
  }
}

/** Our end of a pipe, as the other node connects to it. */
function endOf(transport: ms.PipeTransport): cosmo.v1.PipeEnd.$Properties {
  return {
    ip: transport.tuple.localIp,
    port: transport.tuple.localPort,
    srtpSuite: transport.srtpParameters?.cryptoSuite ?? '',
    srtpKey: transport.srtpParameters?.keyBase64 ?? '',
  };
}

/** The other end of a pipe, as our end connects to it. */
function pipeEnd(end: cosmo.v1.PipeEnd.$Properties | null | undefined): {
  ip: string;
  port: number;
  srtpParameters: ms.SrtpParameters;
} {
  if (!end?.ip || !end.port || !end.srtpSuite || !end.srtpKey)
    throw new Error('the other node sent an incomplete pipe end');
  return {
    ip: end.ip,
    port: end.port,
    srtpParameters: { cryptoSuite: end.srtpSuite as ms.SrtpCryptoSuite, keyBase64: end.srtpKey },
  };
}
