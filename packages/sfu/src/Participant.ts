import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import type { cosmo } from '@cosmo/core';
import {
  SharedServerEvent,
  TypedEmitter,
  mediaKindToProto,
  mediaSourceToProto,
  roleToProto,
  type MediaSource,
  type Permissions,
  type Role,
  type ServerFrameInit,
} from '@cosmo/core';
import type { Connection } from './Connection.js';

/** A producer with what it carries. */
export interface PublishedMedia {
  producer: ms.Producer;
  source: MediaSource;
}

/** Participant events (internal, to its classroom). */
export type ParticipantEvents = {
  closed: [reason: string];
};

/** What a participant is created from. */
export interface ParticipantInit {
  id: string;
  room: string;
  identity: string;
  name: string;
  role: Role;
  permissions: Permissions;
}

/** Events kept for replay when a client resumes after a drop. */
const REPLAY_LIMIT = 1000;

/** Server frame bodies: everything of a ServerFrame but its ids. */
export type EventBody = Omit<ServerFrameInit, 'requestId' | 'seq'>;

/**
 * One person in one classroom: who they are, what they may do, their WebRTC transports,
 * producers and consumers, and their signalling session (numbered events kept for resume).
 */
export class Participant extends TypedEmitter<ParticipantEvents> {
  readonly id: string;
  readonly room: string;
  readonly identity: string;
  readonly name: string;
  readonly role: Role;
  readonly joinedAt = Date.now();
  /** The resume credential (with the token) for this session. */
  readonly sessionId = randomUUID();

  #permissions: Permissions;
  #handRaised = false;
  #captionLanguage = '';
  #rtpCapabilities: ms.RtpCapabilities | undefined;
  readonly #transports = new Map<string, ms.WebRtcTransport>();
  readonly #ingests = new Map<string, ms.PlainTransport>();
  readonly #producers = new Map<string, PublishedMedia>();
  readonly #consumers = new Map<string, ms.Consumer>();

  #connection: Connection | null = null;
  #seq = 0;
  readonly #replay: { seq: number; frame: ServerFrameInit }[] = [];
  #closed = false;

  constructor(init: ParticipantInit) {
    super();
    this.id = init.id;
    this.room = init.room;
    this.identity = init.identity;
    this.name = init.name;
    this.role = init.role;
    this.#permissions = { ...init.permissions };
  }

  /** What the participant may publish and whether they may chat. */
  get permissions(): Readonly<Permissions> {
    return this.#permissions;
  }

  /** Grants or revokes rights (the classroom closes what a revoked right allowed). */
  setPermissions(permissions: Permissions): void {
    this.#permissions = { ...permissions };
  }

  /** Whether the hand is up. */
  get handRaised(): boolean {
    return this.#handRaised;
  }

  /** Raises or lowers the hand; false when it already was. */
  setHand(raised: boolean): boolean {
    if (this.#handRaised === raised) return false;
    this.#handRaised = raised;
    return true;
  }

  /** The language this participant reads captions in ('' for none). */
  get captionLanguage(): string {
    return this.#captionLanguage;
  }

  setCaptionLanguage(language: string): void {
    this.#captionLanguage = language;
  }

  /** The client's RTP capabilities; needed to consume. */
  get rtpCapabilities(): ms.RtpCapabilities | undefined {
    return this.#rtpCapabilities;
  }

  setRtpCapabilities(capabilities: ms.RtpCapabilities | undefined): void {
    this.#rtpCapabilities = capabilities;
  }

  /** WebRTC transports, by id. */
  get transports(): ReadonlyMap<string, ms.WebRtcTransport> {
    return this.#transports;
  }

  /** Plain RTP transports an external encoder publishes through (see Classroom.ingestRtp). */
  get ingests(): ReadonlyMap<string, ms.PlainTransport> {
    return this.#ingests;
  }

  /** What the participant publishes, by producer id. */
  get producers(): ReadonlyMap<string, PublishedMedia> {
    return this.#producers;
  }

  /** What the participant receives, by consumer id. */
  get consumers(): ReadonlyMap<string, ms.Consumer> {
    return this.#consumers;
  }

  /** Keeps a transport until it closes. */
  addTransport(transport: ms.WebRtcTransport): void {
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
  }

  /** Keeps an ingest transport until it closes. */
  addIngest(transport: ms.PlainTransport): void {
    this.#ingests.set(transport.id, transport);
    transport.observer.once('close', () => this.#ingests.delete(transport.id));
  }

  /** Keeps a producer until it closes. */
  addProducer(media: PublishedMedia): void {
    this.#producers.set(media.producer.id, media);
    media.producer.observer.once('close', () => this.#producers.delete(media.producer.id));
  }

  /** Keeps a consumer until it closes. */
  addConsumer(consumer: ms.Consumer): void {
    this.#consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
  }

  /** Whether the participant has left. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The live signalling connection, or null while the client is away. */
  get connection(): Connection | null {
    return this.#connection;
  }

  /** The last event sequence number sent. */
  get seq(): number {
    return this.#seq;
  }

  /** Binds the participant to a (new) signalling connection. */
  attach(connection: Connection): void {
    this.#connection = connection;
  }

  /** Forgets the connection (the socket dropped); events are still numbered and kept. */
  detach(connection: Connection): void {
    if (this.#connection === connection) this.#connection = null;
  }

  /**
   * Sends an event. Critical events (state changes) are numbered and kept for replay; ephemeral
   * ones (active speaker, interim captions) carry seq 0 and may be dropped under backpressure.
   */
  send(event: EventBody | SharedServerEvent, critical = true): void {
    if (this.#closed) return;
    const shared = event instanceof SharedServerEvent ? event : undefined;
    const body = shared ? shared.body : (event as EventBody);
    let frame: ServerFrameInit;
    if (critical) {
      frame = { ...body, seq: ++this.#seq };
      this.#replay.push({ seq: this.#seq, frame });
      if (this.#replay.length > REPLAY_LIMIT) this.#replay.shift();
    } else {
      frame = body;
    }
    this.#connection?.sendFrame(frame, critical, shared);
  }

  /** The client has handled every event up to `seq`: they need not be kept for a resume. */
  acknowledge(seq: number): void {
    const upTo = Math.min(seq, this.#seq);
    let handled = 0;
    while (handled < this.#replay.length && this.#replay[handled]!.seq <= upTo) handled++;
    this.#replay.splice(0, handled);
  }

  /** Events after `lastSeq`, or undefined when some of them are no longer kept. */
  eventsAfter(lastSeq: number): ServerFrameInit[] | undefined {
    if (lastSeq >= this.#seq) return [];
    const first = this.#replay[0];
    if (!first || first.seq > lastSeq + 1) return undefined;
    return this.#replay.filter((e) => e.seq > lastSeq).map((e) => e.frame);
  }

  /** Producer of this participant by source (the first one). */
  producerBySource(source: MediaSource): PublishedMedia | undefined {
    for (const media of this.producers.values()) if (media.source === source) return media;
    return undefined;
  }

  /** The participant as other clients see them. */
  info(): cosmo.v1.ParticipantInfo.$Properties {
    return {
      id: this.id,
      identity: this.identity,
      name: this.name,
      role: roleToProto(this.role),
      permissions: { ...this.#permissions },
      handRaised: this.#handRaised,
      joinedAt: this.joinedAt,
      producers: [...this.#producers.values()].map((m) => producerInfo(this.id, m)),
      captionLanguage: this.#captionLanguage,
    };
  }

  /** Closes every transport (and with them every producer and consumer). */
  closeMedia(): void {
    for (const transport of [...this.#transports.values()]) transport.close();
    for (const transport of [...this.#ingests.values()]) transport.close();
    this.#transports.clear();
    this.#ingests.clear();
    this.#producers.clear();
    this.#consumers.clear();
  }

  /** Leaves: closes media and the session. No-op when already closed. */
  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.closeMedia();
    // The socket stays (the client may join again on it) but no longer speaks for this session.
    if (this.#connection?.participant === this) this.#connection.participant = null;
    this.#connection = null;
    this.#replay.length = 0;
    this.safeEmit('closed', reason);
    this.removeAllListeners();
  }
}

/** A producer as clients see it. */
export function producerInfo(
  participantId: string,
  media: PublishedMedia,
): cosmo.v1.ProducerInfo.$Properties {
  const { producer, source } = media;
  return {
    id: producer.id,
    participantId,
    kind: mediaKindToProto(producer.kind),
    source: mediaSourceToProto(source),
    paused: producer.paused,
    layers: Math.max(1, producer.rtpParameters.encodings?.length ?? 1),
  };
}
