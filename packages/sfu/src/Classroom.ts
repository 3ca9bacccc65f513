import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import type { TranscriptLine } from '@cosmo/school';
import type { cosmo } from '@cosmo/core';
import {
  CosmoError,
  ErrorCode,
  InvalidStateError,
  NotFoundError,
  PermissionError,
  SharedServerEvent,
  TypedEmitter,
  isModerator,
  mediaSourceToProto,
  type MediaSource,
  type Permissions,
} from '@cosmo/core';
import { CloseCode } from './Connection.js';
import type { MediaWorkerPool } from './MediaWorkerPool.js';
import { isRemote, type RemoteParticipant } from './cluster/RemoteParticipant.js';
import { ClassroomMedia } from './rooms/ClassroomMedia.js';
import { ClassroomReactions } from './rooms/ClassroomReactions.js';
import { ClassroomWaitingRoom, type WaitingRoomStore } from './rooms/ClassroomWaitingRoom.js';
import { MemoryWaitingRoomRepository } from './MemoryWaitingRoomRepository.js';
import type { Metrics } from './metrics.js';
import { Participant, producerInfo, type EventBody, type ParticipantInit } from './Participant.js';
import {
  ROLE_RANK,
  aRole,
  isAllowed,
  publishAction,
  publishPermission,
  refusal,
  type Action,
} from './permissions.js';

/** What a classroom needs from its server. */
export interface ClassroomContext {
  pool: MediaWorkerPool;
  metrics: Metrics;
  logger: Logger;
  listenIp: string;
  announcedIp: string | undefined;
  maxParticipants: number;
  /** Consumers per worker past which the classroom opens a router on another worker. */
  consumersPerWorker: number;
  /**
   * Stores a chat message before it is broadcast; returns its position in the history. History
   * outlives sessions, so it names people by identity, not by participant id.
   */
  storeChat?: (message: StoredChatMessage) => number;
  /** Where the waiting room keeps its settings (in memory, for this classroom only, when unset). */
  waitingRoom?: WaitingRoomStore;
}

/** A chat message as the history keeps it. */
export interface StoredChatMessage {
  id: string;
  room: string;
  personId: string;
  name: string;
  text: string;
  /** The recipient's identity for a private message, '' for everyone. */
  toPerson: string;
  sentAt: number;
}

/**
 * The classroom's link to its shards on other nodes (cluster mode): what its own participants
 * cause is told to the other shards, and what its moderators do to a participant of another node
 * is done there.
 */
export interface ClassroomLink {
  /** A broadcast this node's participants caused (the link keeps the kinds other nodes show). */
  relay(body: EventBody, critical: boolean): void;
  /** A moderator of this node acts on a participant of another node, or on every node's (`all`). */
  act(by: Participant, target: RemoteParticipant | 'all', action: RemoteAction): void;
}

/** What a moderator may do to a participant of another node. */
export type RemoteAction =
  { mute: { sources: MediaSource[] } } | { lowerHand: true } | { setPermissions: Permissions };

/** What the school knows of a room, given when it opens. */
export interface ClassroomAbout {
  title: string;
  classId: string;
  lectureId: string;
}

/** Classroom events (internal, to the server's services). */
export type ClassroomEvents = {
  /** A participant published a track (the caption service taps moderators' microphones). */
  producerAdded: [p: Participant, producer: ms.Producer, source: MediaSource];
  /** A moderator ended the class (its tokens stay refused until it is started again). */
  ended: [by: Participant];
  /** A final caption line, spoken or translated (times from `startedAt`): recordings keep them. */
  captionLine: [line: TranscriptLine];
  /** A moderator started a poll (recordings mark a chapter). */
  pollStarted: [question: string];
  closed: [];
};

/** Observer events, for metrics and the bench. */
export type ClassroomObserverEvents = {
  producerAdded: [p: Participant, producer: ms.Producer, source: MediaSource];
  participantJoined: [p: Participant];
  participantLeft: [p: Participant, reason: string];
  mediaReset: [];
};

/**
 * One lecture: a mediasoup router on some worker, the participants, and the rules of the room.
 * Every method that a client triggers checks the permission table first and changes nothing when
 * it refuses.
 */
export class Classroom extends TypedEmitter<ClassroomEvents> {
  readonly room: string;
  readonly observer = new TypedEmitter<ClassroomObserverEvents>();
  readonly startedAt = Date.now();
  /** The school class and lecture this room is, when the roster knows it ('' otherwise). */
  readonly classId: string;
  readonly lectureId: string;
  /** Students join muted and unpublished (the only mode today). */
  readonly lectureMode = true;

  readonly #participants = new Map<string, Participant>();
  #title: string;
  #captionLanguages: string[] = [];
  #locked = false;
  #ended = false;
  readonly #ctx: ClassroomContext;
  /** Everyone this classroom has admitted, by identity: a lock does not keep them out. */
  readonly #admitted = new Set<string>();
  /** Joined, not yet announced to the others (see #announceNewcomers). */
  readonly #newcomers: Participant[] = [];
  /** The classroom's routers, across workers. */
  #media!: ClassroomMedia;
  #closed = false;
  /** The other nodes' shards of this classroom (cluster mode). */
  link: ClassroomLink | undefined;
  /** Reactions: counted per window, told to everyone, never stored. */
  readonly reactions: ClassroomReactions;
  /** Who waits to be let in, when a moderator turned the waiting room on. */
  readonly waitingRoom: ClassroomWaitingRoom;

  private constructor(room: string, ctx: ClassroomContext, about: ClassroomAbout) {
    super();
    this.room = room;
    this.#title = about.title || room;
    this.classId = about.classId;
    this.lectureId = about.lectureId;
    this.#ctx = ctx;
    this.reactions = new ClassroomReactions(this);
    this.waitingRoom = new ClassroomWaitingRoom(
      this,
      ctx.waitingRoom ?? { settings: new MemoryWaitingRoomRepository(), roster: undefined },
    );
    // A classroom that people wait in stays open for its moderators to come and let them in.
    this.waitingRoom.on('emptied', () => {
      if (!this.#hasOwnParticipants()) this.close();
    });
  }

  /** Opens a classroom with a router on the least-loaded worker. */
  static async open(
    room: string,
    ctx: ClassroomContext,
    about: ClassroomAbout = { title: room, classId: '', lectureId: '' },
  ): Promise<Classroom> {
    const classroom = new Classroom(room, ctx, about);
    classroom.#media = await ClassroomMedia.open({
      pool: ctx.pool,
      consumersPerWorker: ctx.consumersPerWorker,
      logger: ctx.logger,
      room,
    });
    classroom.#wireMedia();
    return classroom;
  }

  /** Everyone in the room, by participant id. */
  get participants(): ReadonlyMap<string, Participant> {
    return this.#participants;
  }

  /** The name shown in the header. */
  get title(): string {
    return this.#title;
  }

  /** Renames the classroom (clients see it in their next state). */
  rename(title: string): void {
    this.#title = title;
  }

  /** Whether new people are kept out. */
  get locked(): boolean {
    return this.#locked;
  }

  /** Whether a moderator ended the class. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Languages captions can be read in. */
  get captionLanguages(): readonly string[] {
    return this.#captionLanguages;
  }

  /** The caption pipeline changed the languages it offers: everyone is told. */
  setCaptionLanguages(languages: readonly string[]): void {
    this.#captionLanguages = [...languages];
    this.broadcast({ classroomUpdated: { classroom: this.state() } });
  }

  /** Whether the classroom is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Every router of the classroom, across workers. */
  get routers(): ms.Router[] {
    return this.#media.routers;
  }

  /** The classroom's first router (all its routers share its RTP capabilities). */
  get router(): ms.Router {
    return this.#media.router;
  }

  /** The pid of the mediasoup worker hosting the classroom's first router. */
  get workerPid(): number {
    return Number(this.#media.router.appData['workerPid']);
  }

  /** The pids of the workers the classroom's routers run on, first router first. */
  get workerPids(): number[] {
    return this.#media.routers.map((r) => Number(r.appData['workerPid']));
  }

  /** The pid of the worker a participant's media is on (for tests and metrics). */
  workerPidOf(p: Participant): number | undefined {
    const router = this.#media.routerOf(p);
    return router && Number(router.appData['workerPid']);
  }

  /** The shared state as clients see it. */
  state(): cosmo.v1.ClassroomState.$Properties {
    return {
      room: this.room,
      title: this.#title,
      locked: this.#locked,
      lectureMode: this.lectureMode,
      startedAt: this.startedAt,
      ended: this.#ended,
      classId: this.classId,
      lectureId: this.lectureId,
      captionLanguages: [...this.#captionLanguages],
    };
  }

  /**
   * Admits a participant, telling everyone else. Throws ROOM_LOCKED (to people it has not
   * admitted before) / ROOM_FULL. `replaces` are the same person's live sessions (a reload, a
   * second tab): the newcomer takes their seat, even in a full room, and they close only once the
   * newcomer is in, so a lone participant reloading does not empty (and so end) the classroom.
   */
  join(init: Omit<ParticipantInit, 'id'>, replaces: readonly Participant[] = []): Participant {
    this.#assertOpen();
    // A lock keeps new people out, not those who were in (a reload, a dropped network, a tab
    // that closed): anyone this classroom has admitted may come back.
    const returning = this.#admitted.has(init.identity);
    const moderator = isModerator(init.role);
    if (this.#locked && !moderator && !returning) {
      throw new CosmoError(ErrorCode.ROOM_LOCKED, 'the classroom is locked');
    }
    const seats = this.participants.size - replaces.filter((p) => !p.closed).length;
    if (seats >= this.#ctx.maxParticipants) {
      throw new CosmoError(ErrorCode.ROOM_FULL, 'the classroom is full');
    }
    const participant = new Participant({ ...init, id: randomUUID() });
    this.#admitted.add(init.identity);
    this.#participants.set(participant.id, participant);
    this.#ctx.metrics.participants.inc();
    participant.once('closed', (reason) => {
      this.#participants.delete(participant.id);
      this.#media.unseat(participant);
      this.#ctx.metrics.participants.dec();
      this.broadcast({ participantLeft: { participantId: participant.id, reason } });
      this.observer.safeEmit('participantLeft', participant, reason);
      if (!this.#hasOwnParticipants() && this.waitingRoom.size === 0) this.close();
    });
    for (const old of replaces) old.close('replaced');
    if (this.#newcomers.push(participant) === 1) setImmediate(() => this.#announceNewcomers());
    this.observer.safeEmit('participantJoined', participant);
    return participant;
  }

  /**
   * Mirrors a participant of another node (cluster mode): listed and announced like anyone, its
   * producers piped here by the link (`adoptProducer`). Another mirror of the same person (an
   * older session on a node that was lost) leaves.
   */
  addMirror(mirror: RemoteParticipant): void {
    this.#assertOpen();
    const older = [...this.#participants.values()].filter(
      (p) => isRemote(p) && p.identity === mirror.identity,
    );
    this.#participants.set(mirror.id, mirror);
    mirror.once('closed', (reason) => {
      this.#participants.delete(mirror.id);
      this.broadcast({ participantLeft: { participantId: mirror.id, reason } });
      this.observer.safeEmit('participantLeft', mirror, reason);
    });
    for (const old of older) old.close('replaced');
    if (this.#newcomers.push(mirror) === 1) setImmediate(() => this.#announceNewcomers());
    this.observer.safeEmit('participantJoined', mirror);
  }

  /** Sends an event to everyone, or everyone but `except`; other nodes' shards are told. */
  broadcast(body: EventBody, except?: Participant, critical = true): void {
    this.deliver(body, critical, except);
    this.link?.relay(body, critical);
  }

  /**
   * Sends an event to this node's participants (those of other nodes hear it from theirs), or to
   * `only` of them.
   */
  deliver(
    body: EventBody,
    critical = true,
    except?: Participant,
    only?: ReadonlySet<string>,
  ): void {
    // Nobody hears of a participant's doings before hearing that they joined.
    this.#announceNewcomers();
    const shared = new SharedServerEvent(body);
    for (const p of this.participants.values())
      if (p !== except && !isRemote(p) && (!only || only.has(p.id))) p.send(shared, critical);
  }

  /** The classroom's lock and caption languages as another node's shard tells them. */
  applyState(state: cosmo.v1.ClassroomState.$Properties): void {
    this.#locked = Boolean(state.locked);
    if (state.captionLanguages) this.#captionLanguages = [...state.captionLanguages];
  }

  /** Whether this classroom let `identity` in before (they joined, or a moderator admitted them). */
  hasAdmitted(identity: string): boolean {
    return this.#admitted.has(identity);
  }

  /** Lets a person in ahead of their join (from the waiting room): a lock does not keep them out. */
  letIn(identity: string): void {
    this.#admitted.add(identity);
  }

  /** Refuses with PERMISSION_DENIED unless `p` may do `action`. */
  authorize(p: Participant, action: Action): void {
    if (!isAllowed(p.role, p.permissions, action)) {
      throw new PermissionError(refusal(p.role, action));
    }
  }

  /** A participant by id, or NOT_FOUND. */
  participant(id: string | null | undefined): Participant {
    const p = id ? this.participants.get(id) : undefined;
    if (!p) throw new NotFoundError('no such participant in this classroom');
    return p;
  }

  // ---- media ---------------------------------------------------------------------------------

  /** Creates a WebRTC transport for sending or receiving. */
  async createTransport(p: Participant, preferTcp: boolean): Promise<ms.WebRtcTransport> {
    this.#assertOpen();
    if (p.transports.size >= 4) {
      throw new CosmoError(ErrorCode.INVALID_STATE, 'too many transports for one participant');
    }
    const router = await this.#media.place(p);
    const webRtcServer = this.#ctx.pool.webRtcServerOf(router);
    const transport = await router.createWebRtcTransport({
      ...(webRtcServer
        ? { webRtcServer }
        : { listenIps: [{ ip: this.#ctx.listenIp, announcedIp: this.#ctx.announcedIp }] }),
      enableUdp: true,
      enableTcp: true,
      preferUdp: !preferTcp,
      preferTcp,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { participantId: p.id },
    });
    if (p.closed) {
      transport.close();
      throw new InvalidStateError('the participant left');
    }
    p.addTransport(transport);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') transport.close();
    });
    return transport;
  }

  /** A transport of `p`, or NOT_FOUND. */
  transport(p: Participant, id: string | null | undefined): ms.WebRtcTransport {
    const t = id ? p.transports.get(id) : undefined;
    if (!t) throw new NotFoundError('no such transport');
    return t;
  }

  /** Publishes a track, if the participant may publish that source. */
  async produce(
    p: Participant,
    transportId: string,
    kind: ms.MediaKind,
    rtpParameters: ms.RtpParameters,
    source: MediaSource,
    paused: boolean,
  ): Promise<ms.Producer> {
    this.authorize(p, publishAction(source));
    const expectedKind = kindOf(source);
    if (kind !== expectedKind) {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, `a ${source} track must be ${expectedKind}`);
    }
    const transport = this.transport(p, transportId);
    const producer = await transport.produce({
      kind,
      rtpParameters,
      paused,
      appData: { source, participantId: p.id },
    });
    await this.#publish(p, producer, source, this.#media.routerOf(p));
    return producer;
  }

  /**
   * Publishes an external encoder's RTP stream (a hardware encoder, OBS, ffmpeg, the bench's
   * teacher) as `p`'s `source`, if `p` may publish it: a plain RTP transport on the listen IP that
   * learns the sender's address from its first packet, with RTCP on the same port. Returns where
   * to send. RTCP must come from the RTP socket: the first packet fixes the sender (ffmpeg sends
   * RTCP from a second socket; `-rtpflags skip_rtcp` turns it off). The transport closes with the
   * producer and with the participant's media.
   */
  async ingestRtp(
    p: Participant,
    source: MediaSource,
    rtpParameters: ms.RtpParameters,
  ): Promise<{ ip: string; port: number; producer: ms.Producer }> {
    this.authorize(p, publishAction(source));
    const kind = kindOf(source);
    const router = await this.#media.place(p);
    const transport = await router.createPlainTransport({
      listenIp: { ip: this.#ctx.listenIp, announcedIp: this.#ctx.announcedIp },
      rtcpMux: true,
      comedia: true,
    });
    p.addIngest(transport);
    try {
      const producer = await transport.produce({
        kind,
        rtpParameters,
        appData: { source, participantId: p.id },
      });
      producer.observer.once('close', () => transport.close());
      await this.#publish(p, producer, source, router);
      return { ip: transport.tuple.localIp, port: transport.tuple.localPort, producer };
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  /**
   * Takes on a producer of another node's participant, piped to this node's first router: listed
   * and consumable here like a local one (the caption service does not tap it: its own node does).
   */
  async adoptProducer(
    mirror: RemoteParticipant,
    producer: ms.Producer,
    source: MediaSource,
  ): Promise<void> {
    await this.#publish(mirror, producer, source, this.#media.router, true);
  }

  /** The router that carries a producer of this classroom. */
  routerOfProducer(producerId: string): ms.Router | undefined {
    return this.#media.routerOfProducer(producerId);
  }

  /** Registers a new producer of `p` and tells the room. */
  async #publish(
    p: Participant,
    producer: ms.Producer,
    source: MediaSource,
    router: ms.Router | undefined,
    adopted = false,
  ): Promise<void> {
    if (p.closed) {
      producer.close();
      throw new InvalidStateError('the participant left');
    }
    const media = { producer, source };
    p.addProducer(media);
    this.#ctx.metrics.producers.inc();
    producer.observer.once('close', () => {
      this.#ctx.metrics.producers.dec();
      if (!this.#closed)
        this.broadcast({ producerRemoved: { producerId: producer.id, participantId: p.id } });
    });
    if (router) await this.#media.addProducer(producer, router);
    this.broadcast({ producerAdded: { producer: producerInfo(p.id, media) } }, p);
    if (!adopted) this.safeEmit('producerAdded', p, producer, source);
    this.observer.safeEmit('producerAdded', p, producer, source);
  }

  /** Finds a producer anywhere in the room, with its owner. */
  findProducer(producerId: string | null | undefined): {
    owner: Participant;
    producer: ms.Producer;
  } {
    if (producerId) {
      for (const owner of this.participants.values()) {
        const media = owner.producers.get(producerId);
        if (media) return { owner, producer: media.producer };
      }
    }
    throw new NotFoundError('no such producer');
  }

  /** Subscribes `p` to a producer; the consumer starts paused until the client resumes it. */
  async consume(p: Participant, transportId: string, producerId: string): Promise<ms.Consumer> {
    this.authorize(p, 'consume');
    if (!p.rtpCapabilities) {
      throw new InvalidStateError('send your RTP capabilities in join before consuming');
    }
    const transport = this.transport(p, transportId);
    const { owner, producer } = this.findProducer(producerId);
    if (owner === p)
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'cannot consume your own producer');
    const router = this.#media.routerOf(p);
    if (!router || router.closed) throw new InvalidStateError('create a transport first');
    // A producer of another router is piped to this one the first time someone here consumes it.
    const release = await this.#media.reach(producer.id, router);
    if (!router.canConsume({ producerId, rtpCapabilities: p.rtpCapabilities })) {
      release();
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'your device cannot decode this producer');
    }
    let consumer: ms.Consumer;
    try {
      consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: p.rtpCapabilities,
        paused: true,
        appData: { participantId: owner.id },
      });
    } catch (err) {
      release();
      throw err;
    }
    p.addConsumer(consumer);
    this.#ctx.metrics.consumers.inc();
    consumer.observer.once('close', () => {
      this.#ctx.metrics.consumers.dec();
      release();
    });
    consumer.on('producerclose', () => {
      consumer.close();
      p.send({ consumerClosed: { consumerId: consumer.id } });
    });
    consumer.on('producerpause', () => p.send({ consumerPaused: { consumerId: consumer.id } }));
    consumer.on('producerresume', () => p.send({ consumerResumed: { consumerId: consumer.id } }));
    consumer.on('layerschange', (layers) =>
      p.send(
        {
          consumerLayersChanged: {
            consumerId: consumer.id,
            spatialLayer: layers?.spatialLayer,
            temporalLayer: layers?.temporalLayer,
          },
        },
        false,
      ),
    );
    return consumer;
  }

  /**
   * Bench and tests only (the `lecture` bench): a receive-only student without WebRTC. `p` is
   * placed like any student (the least-loaded of the classroom's routers, a router on another
   * worker when the budget says so, producers piped there) and gets a plain RTP transport that
   * sends every producer of the others to `remote`, unencrypted, RTCP on the same port. The
   * transport closes with `p`'s media.
   */
  async consumeRtpForTesting(
    p: Participant,
    remote: { ip: string; port: number },
  ): Promise<ms.Consumer[]> {
    this.authorize(p, 'consume');
    const router = await this.#media.place(p);
    const transport = await router.createPlainTransport({
      listenIp: { ip: this.#ctx.listenIp, announcedIp: this.#ctx.announcedIp },
      rtcpMux: true,
      comedia: false,
    });
    p.addIngest(transport);
    await transport.connect(remote);
    const consumers: ms.Consumer[] = [];
    for (const owner of this.participants.values()) {
      if (owner === p) continue;
      for (const { producer } of owner.producers.values()) {
        const release = await this.#media.reach(producer.id, router);
        const consumer = await transport
          .consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities })
          .catch((err: unknown) => {
            release();
            throw err;
          });
        p.addConsumer(consumer);
        consumer.observer.once('close', release);
        consumers.push(consumer);
      }
    }
    return consumers;
  }

  /** A consumer of `p`, or NOT_FOUND. */
  consumer(p: Participant, id: string | null | undefined): ms.Consumer {
    const c = id ? p.consumers.get(id) : undefined;
    if (!c) throw new NotFoundError('no such consumer');
    return c;
  }

  /** A producer of `p` itself, or one of another participant when `p` may moderate it. */
  controllableProducer(p: Participant, producerId: string | null | undefined): ms.Producer {
    const own = producerId ? p.producers.get(producerId) : undefined;
    if (own) return own.producer;
    const { owner, producer } = this.findProducer(producerId);
    this.authorize(p, 'closeOthersProducer');
    this.#assertOutranks(p, owner);
    return producer;
  }

  // ---- classroom life ------------------------------------------------------------------------

  /** Chat to everyone, or privately to one participant. */
  chat(p: Participant, text: string, to: string): void {
    this.authorize(p, 'chat');
    this.#announceNewcomers();
    const trimmed = text.trim();
    if (!trimmed)
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'a chat message cannot be empty');
    if (trimmed.length > 2000) {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'a chat message is at most 2000 characters');
    }
    const message: cosmo.v1.ChatMessage.$Properties = {
      id: randomUUID(),
      participantId: p.id,
      name: p.name,
      text: trimmed,
      sentAt: Date.now(),
      toParticipantId: to,
    };
    const target = to ? this.participant(to) : undefined;
    // Stored first: a message anyone saw is in the history.
    message.seq =
      this.#ctx.storeChat?.({
        id: message.id!,
        room: this.room,
        personId: p.identity,
        name: p.name,
        text: trimmed,
        toPerson: target?.identity ?? '',
        sentAt: message.sentAt!,
      }) ?? 0;
    if (target) {
      target.send({ chat: message });
      if (target !== p) p.send({ chat: message });
    } else {
      this.broadcast({ chat: message });
    }
  }

  /** Raises `p`'s hand. */
  raiseHand(p: Participant): void {
    this.authorize(p, 'raiseHand');
    this.#setHand(p, true, p);
  }

  /** Lowers one hand (one's own, or another's as a moderator of their rank or below), or every hand. */
  lowerHand(p: Participant, targetId: string, all: boolean): void {
    if (all || (targetId && targetId !== p.id)) this.authorize(p, 'lowerOthersHand');
    if (all) {
      for (const other of this.participants.values())
        if (other.handRaised && !isRemote(other) && ROLE_RANK[other.role] <= ROLE_RANK[p.role])
          this.#setHand(other, false, p);
      if (!isRemote(p)) this.link?.act(p, 'all', { lowerHand: true });
      return;
    }
    const target = targetId ? this.participant(targetId) : p;
    this.#assertOutranks(p, target);
    if (isRemote(target)) this.link?.act(p, target, { lowerHand: true });
    else this.#setHand(target, false, p);
  }

  /** Pauses the given sources (microphone by default) of one participant or of every student. */
  mute(p: Participant, targetId: string, all: boolean, sources: MediaSource[]): void {
    this.authorize(p, 'muteOthers');
    const which: MediaSource[] = sources.length > 0 ? sources : ['microphone'];
    const targets = all
      ? [...this.participants.values()].filter(
          (t) => t !== p && !isRemote(t) && ROLE_RANK[t.role] < ROLE_RANK[p.role],
        )
      : [this.participant(targetId)];
    if (!all) this.#assertOutranks(p, targets[0]!);
    // Participants of other nodes are muted by their own node (where their producers are).
    if (all && !isRemote(p)) this.link?.act(p, 'all', { mute: { sources: which } });
    const remote = targets.find((t) => isRemote(t));
    if (remote) {
      this.link?.act(p, remote, { mute: { sources: which } });
      return;
    }
    for (const target of targets) {
      let changed = false;
      for (const media of target.producers.values()) {
        if (!which.includes(media.source) || media.producer.paused) continue;
        void media.producer.pause().catch(() => undefined);
        this.broadcast({ producerPaused: { producerId: media.producer.id } });
        changed = true;
      }
      if (changed || !all) {
        target.send({
          muted: {
            participantId: target.id,
            sources: which.map(mediaSourceToProto),
            byParticipantId: p.id,
          },
        });
      }
    }
  }

  /** Grants or revokes rights; a revoked right closes the producers it allowed. */
  setPermissions(p: Participant, targetId: string, permissions: Permissions): void {
    this.authorize(p, 'setPermissions');
    const target = this.participant(targetId);
    this.#assertOutranks(p, target);
    if (isRemote(target)) {
      this.link?.act(p, target, { setPermissions: permissions });
      return;
    }
    target.setPermissions(permissions);
    for (const media of [...target.producers.values()]) {
      if (!permissions[publishPermission(media.source)]) media.producer.close();
    }
    this.broadcast({ participantUpdated: { participant: target.info() } });
  }

  /** Locks or unlocks the room to new students. */
  lock(p: Participant, locked: boolean): void {
    this.authorize(p, 'lockRoom');
    this.#locked = locked;
    this.broadcast({ classroomUpdated: { classroom: this.state() } });
  }

  /** Ends the class for everyone. */
  end(p: Participant): void {
    this.authorize(p, 'endClass');
    this.#ended = true;
    this.waitingRoom.close(CloseCode.CLASS_ENDED, 'class ended');
    this.safeEmit('ended', p);
    this.broadcast({ classEnded: { byParticipantId: p.id, reason: 'ended_by_teacher' } });
    // Everyone's socket closes with CLASS_ENDED, after the event (the ender's after its answer):
    // no client is left on a socket with no classroom behind it.
    for (const other of [...this.participants.values()]) {
      const connection = other.connection;
      other.close('class_ended');
      if (other === p) setImmediate(() => connection?.close(CloseCode.CLASS_ENDED, 'class ended'));
      else connection?.close(CloseCode.CLASS_ENDED, 'class ended');
    }
  }

  /** The class was ended on another node: this node's participants leave as in `end`. */
  endHere(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.waitingRoom.close(CloseCode.CLASS_ENDED, 'class ended');
    for (const other of [...this.participants.values()]) {
      if (isRemote(other)) continue;
      const connection = other.connection;
      other.close('class_ended');
      connection?.close(CloseCode.CLASS_ENDED, 'class ended');
    }
  }

  /**
   * Closes the classroom: everyone leaves, the router closes. No-op when already closed. With a
   * `reason`, the server is ending the class on its own (no router to be had): everyone
   * is told with a `classEnded` carrying it, then their sockets close with CLASS_ENDED, so no
   * client is left on a socket that has no classroom behind it.
   */
  close(reason = ''): void {
    if (this.#closed) return;
    this.#closed = true;
    // This node's shard alone closes: the other nodes' shards go on.
    if (reason) this.deliver({ classEnded: { reason } });
    // Without a reason the server is stopping: whoever waits comes back when it is up again.
    if (reason) this.waitingRoom.close(CloseCode.CLASS_ENDED, reason);
    else this.waitingRoom.close(CloseCode.GOING_AWAY, 'server shutting down');
    this.reactions.close();
    for (const p of [...this.participants.values()]) {
      const connection = p.connection;
      p.close('class_ended');
      if (reason) connection?.close(CloseCode.CLASS_ENDED, reason);
    }
    this.#media.close();
    this.safeEmit('closed');
    this.removeAllListeners();
    this.observer.removeAllListeners();
  }

  #setHand(target: Participant, raised: boolean, by: Participant): void {
    if (!target.setHand(raised)) return;
    this.broadcast({ handChanged: { participantId: target.id, raised, byParticipantId: by.id } });
  }

  #assertOutranks(p: Participant, target: Participant): void {
    if (target !== p && ROLE_RANK[target.role] > ROLE_RANK[p.role]) {
      throw new PermissionError(`${aRole(p.role)} may not moderate ${aRole(target.role)}`);
    }
  }

  /** Whether any participant is connected to this node (not only mirrors of other nodes'). */
  #hasOwnParticipants(): boolean {
    for (const p of this.#participants.values()) if (!isRemote(p)) return true;
    return false;
  }

  #assertOpen(): void {
    if (this.#closed || this.#ended) throw new InvalidStateError('the class has ended');
  }

  /**
   * Tells everyone about the participants who joined since the last announcement. Joins that
   * arrive together (a class of 1,000 opening the lecture link) are announced in one event per
   * participant instead of one per newcomer; each participant hears of those who joined after it,
   * since its join response listed the others.
   */
  #announceNewcomers(): void {
    if (this.#newcomers.length === 0) return;
    const newcomers = this.#newcomers.splice(0);
    const position = new Map(newcomers.map((p, i) => [p, i]));
    const infos = newcomers.map((p) => p.info());
    const events = new Map<number, SharedServerEvent>();
    const eventFor = (from: number) => {
      let event = events.get(from);
      if (!event) {
        const later = infos.slice(from);
        event = new SharedServerEvent(
          later.length === 1
            ? { participantJoined: { participant: later[0] } }
            : { participantsJoined: { participants: later } },
        );
        events.set(from, event);
      }
      return event;
    };
    for (const p of this.participants.values()) {
      if (isRemote(p)) continue;
      const from = (position.get(p) ?? -1) + 1;
      if (from < newcomers.length) p.send(eventFor(from));
    }
  }

  /** Makes a router and its audio level observer on a live worker, and takes them on. */
  /** Listens to the classroom's media: who speaks, and who lost their media with a worker. */
  #wireMedia(): void {
    const media = this.#media;
    media.on('speakers', (levels) => {
      const speakers = levels.map((v) => ({
        participantId: String(v.producer.appData['participantId'] ?? this.#ownerOf(v.producer.id)),
        volume: v.volume,
      }));
      this.broadcast({ activeSpeaker: { speakers } }, undefined, false);
    });
    // A worker died: only the participants on its router re-create their media; everyone keeps
    // their seat, and the others keep what they send and receive.
    media.on('lost', (seats) => {
      if (this.#closed) return;
      const lost = seats
        .map((seat) => this.#participants.get(seat.id))
        .filter((p): p is Participant => p !== undefined);
      for (const p of lost) p.closeMedia();
      for (const p of lost) p.send({ mediaReset: { reason: 'worker_died' } });
      this.observer.safeEmit('mediaReset');
    });
    media.on('failed', () => this.close('media_unavailable'));
  }

  #ownerOf(producerId: string): string {
    for (const p of this.participants.values()) if (p.producers.has(producerId)) return p.id;
    return '';
  }
}

/** The kind of track a source carries. */
function kindOf(source: MediaSource): ms.MediaKind {
  return source === 'microphone' || source === 'screen-audio' ? 'audio' : 'video';
}
