import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import {
  CosmoError,
  ErrorCode,
  InvalidStateError,
  NotFoundError,
  PermissionError,
  PROTOCOL_VERSION,
  ProtocolError,
  decodeClientFrame,
  decodeClientFrameJson,
  rtpCapabilitiesFromProto,
  rtpCapabilitiesToProto,
  toCosmoError,
  type ClientFrame,
  type cosmo,
} from '@cosmo/core';
import type { types as ms } from 'mediasoup';
import {
  ApertiumTranslator,
  PocketsphinxSpeechToText,
  WhisperSpeechToText,
  borrowEngine,
} from '@cosmo/translate';
import { AddressLimits } from './AddressLimits.js';
import { ClassroomCaptions } from './captions/ClassroomCaptions.js';
import { Classroom } from './Classroom.js';
import { School } from './school/School.js';
import { chatToProto, handoutToProto, noticeToProto } from './school/wire.js';
import { workerCount, type Config } from './config.js';
import { CloseCode, Connection, type SignallingSocket, type WireFormat } from './Connection.js';
import { joinedHandlers } from './handlers.js';
import { MediaWorkerPool } from './MediaWorkerPool.js';
import { Metrics } from './metrics.js';
import type { EventBody, Participant } from './Participant.js';
import { IdentityLimits } from './IdentityLimits.js';
import { MemoryEndedClassRepository } from './MemoryEndedClassRepository.js';
import { initialPermissions, isAllowed, refusal } from './permissions.js';
import type { EndedClassRepository } from './school/repositories.js';
import { TokenService, resolveApiSecret, type JoinClaims } from './tokens.js';
import { createHttpRoutes } from './httpRoutes.js';
import {
  jsonAnswer,
  type HttpAnswer,
  type HttpRequestHead,
  type SignallingTransport,
} from './transports/SignallingTransport.js';
import { UwsTransport } from './transports/UwsTransport.js';
import { WsTransport } from './transports/WsTransport.js';

/** How to start a server. */
export interface CosmoServerOptions {
  config: Config;
  /** Defaults to a pino logger at the configured level. */
  logger?: Logger;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * The Cosmo media server: HTTP + WebSocket signalling on one port, a mediasoup worker pool, and
 * the classrooms. Every request gets a response; bad input gets an error code, never a crash.
 */
export class CosmoServer {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics = new Metrics();
  readonly classrooms = new Map<string, Classroom>();
  readonly tokens: TokenService;
  readonly pool: MediaWorkerPool;
  /** Roster, attendance, leave, notices and chat history (off with `school: false`). */
  readonly school: School | undefined;
  /** The bound port (useful when the config asked for port 0). */
  port = 0;

  readonly #transport: SignallingTransport;
  readonly #opening = new Map<string, Promise<Classroom>>();
  readonly #graceTimers = new Map<Participant, NodeJS.Timeout>();
  readonly #sessions = new Map<string, Participant>();
  readonly #connections = new Set<Connection>();
  readonly #titles = new Map<string, string>();
  readonly #byIdentity = new Map<string, Set<Participant>>();
  /** Open sockets and unauthenticated HTTP requests per client address. */
  readonly #addresses: AddressLimits;
  /** Connections counted in `#addresses` (one refused there is not). */
  readonly #counted = new WeakSet<Connection>();
  /** Requests, chat and joins per person, across their sockets. */
  readonly #limits: IdentityLimits;
  /** Classes a moderator ended: their earlier tokens are refused until one starts them again. */
  readonly #ended: EndedClassRepository;
  /** Live captions per classroom. */
  readonly captions = new Map<string, ClassroomCaptions>();
  #translator: ApertiumTranslator | undefined;
  #whisper: WhisperSpeechToText | undefined;
  #closed = false;

  private constructor(
    config: Config,
    logger: Logger,
    tokens: TokenService,
    pool: MediaWorkerPool,
    school: School | undefined,
  ) {
    this.config = config;
    this.logger = logger;
    this.tokens = tokens;
    this.pool = pool;
    this.school = school;
    this.#addresses = new AddressLimits(config.addressLimits);
    this.#limits = new IdentityLimits(config.identityLimits);
    this.#ended = school?.repos.endedClasses ?? new MemoryEndedClassRepository();
    if (school) {
      school.on('deliver', (personId, notice, reminder) => {
        for (const p of this.participantsOf(personId))
          p.send({ notification: noticeToProto(notice, reminder) });
      });
      school.on('receipts', (notice, r) => {
        const summary = {
          notificationId: notice.id,
          recipients: r.recipients,
          delivered: r.delivered,
          read: r.read,
        };
        for (const p of this.participantsOf(notice.senderId))
          p.send({ receiptSummary: summary }, false);
      });
      school.on('handoutAdded', (handout) => {
        for (const classroom of this.classrooms.values()) {
          if (this.classOfRoom(classroom.room) === handout.classId)
            classroom.broadcast({ handoutAdded: handoutToProto(handout) });
        }
      });
      school.startReminders((personId) => this.participantsOf(personId).some((p) => p.connection));
    }
    this.#transport = config.transport === 'uws' ? new UwsTransport() : new WsTransport();
    pool.on('workerReplaced', () => this.metrics.workerDeaths.inc());
  }

  /** Starts the worker pool and the signalling server. */
  static async start({ config, logger }: CosmoServerOptions): Promise<CosmoServer> {
    const log = logger ?? pino({ level: config.logLevel, name: 'cosmo' });
    const secret = resolveApiSecret(config.apiSecret, config.dataDir, (path) =>
      log.warn(
        { path },
        'DEV MODE: no COSMO_API_SECRET set; using a generated secret stored on disk. ' +
          'Set COSMO_API_SECRET in production.',
      ),
    );
    // A configured whisper model is checked and loaded first: a bad one stops the start, with
    // MODEL_MISSING or MODEL_INVALID, rather than the first Japanese lecture.
    const whisper =
      config.captions && config.captionWhisperModel
        ? await WhisperSpeechToText.open({ model: config.captionWhisperModel })
        : undefined;
    const pool = await MediaWorkerPool.create({
      count: workerCount(config),
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
      logger: log,
    });
    let school: School | undefined;
    try {
      if (config.school) {
        school = School.open(config.dataDir, {
          reminderIntervalMs: config.reminderIntervalMs,
          reminderLimit: config.reminderLimit,
        });
      }
    } catch (err) {
      pool.close();
      throw err;
    }
    const server = new CosmoServer(config, log, new TokenService(secret), pool, school);
    server.#whisper = whisper;
    try {
      server.port = await server.#transport.listen(
        {
          host: config.host,
          port: config.port,
          maxPayloadBytes: config.maxFrameBytes * 4,
          maxBackpressureBytes: config.backpressureBytes * 16,
          trustProxy: config.trustProxy,
          uploadDir: join(config.dataDir, 'uploads'),
        },
        {
          upgrade: (head) => server.#upgrade(head),
          open: (socket, format) => server.#open(socket, format),
          message: (conn, data, isBinary) => server.#message(conn, data, isBinary),
          close: (conn) => server.#close(conn),
          http: createHttpRoutes(server, server.#addresses),
        },
      );
    } catch (err) {
      pool.close();
      school?.close();
      throw err;
    }
    log.info(
      { port: server.port, transport: server.#transport.name, workers: pool.workers.length },
      'cosmo server listening',
    );
    return server;
  }

  /** Names a classroom (shown in the header) before or after it opens. */
  setRoomTitle(room: string, title: string): void {
    this.#titles.set(room, title);
    const open = this.classrooms.get(room);
    if (open) open.title = title;
  }

  /**
   * Forgets a room's title. Titles outlive their classroom (a class started again keeps its
   * name), so whoever set one forgets it when the room is gone for good.
   */
  forgetRoomTitle(room: string): void {
    this.#titles.delete(room);
  }

  /** Whether the server has been closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Stops accepting, ends every classroom (telling its participants), closes the workers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
    // Not an end of class: the sockets close with GOING_AWAY below, and clients come back to the
    // server that replaces this one.
    for (const classroom of [...this.classrooms.values()]) classroom.close();
    for (const conn of this.#connections) conn.close(CloseCode.GOING_AWAY, 'server shutting down');
    await this.#transport.close();
    this.pool.close();
    this.school?.close();
    this.#limits.close();
    await this.#translator?.close();
    await this.#whisper?.close();
  }

  /** Whether a moderator ended the class `room` (and nobody has started it again). */
  isEnded(room: string): boolean {
    return this.#ended.endedAt(room) !== undefined;
  }

  /** The class a classroom belongs to: the class of its lecture, or the class it is named after. */
  classOfRoom(room: string): string | undefined {
    const roster = this.school?.repos.roster;
    return roster?.lecture(room)?.classId ?? (roster?.schoolClass(room) ? room : undefined);
  }

  /** The live participants of a person (one per classroom they are in). */
  participantsOf(identity: string): Participant[] {
    // Indexed: a school-wide notice looks up thousands of people.
    return [...(this.#byIdentity.get(identity) ?? [])];
  }

  // ---- sockets -------------------------------------------------------------------------------

  /** Refuses a WebSocket upgrade from an address that has all the sockets it may have. */
  #upgrade(head: HttpRequestHead): HttpAnswer | undefined {
    const address = head.remoteAddress;
    let message: string | undefined;
    if (this.#addresses.socketsFull(address)) message = 'too many connections from your address';
    // Refused tokens draw from the address's unauthenticated allowance (see #handle): an
    // address that spent it trying tokens waits before it may open more sockets.
    else if (this.#addresses.httpSpent(address))
      message = 'too many refused requests from your address; try again in a few seconds';
    if (!message) return undefined;
    return {
      ...jsonAnswer(429, { code: ErrorCode.RATE_LIMITED, message }),
      headers: { 'retry-after': '1' },
    };
  }

  #open(socket: SignallingSocket, format: WireFormat): Connection {
    const conn = new Connection(
      socket,
      format,
      {
        maxFrameBytes: this.config.maxFrameBytes,
        ratePerSecond: this.config.rateLimit.perSecond,
        rateBurst: this.config.rateLimit.burst,
        maxViolations: this.config.maxViolations,
        backpressureBytes: this.config.backpressureBytes,
        joinTimeoutMs: this.config.joinTimeoutMs,
      },
      this.metrics,
    );
    this.#connections.add(conn);
    this.metrics.connections.inc();
    // The upgrade checked this already; upgrades that raced each other are caught here.
    if (this.#addresses.openSocket(socket.remoteAddress)) this.#counted.add(conn);
    else conn.close(CloseCode.POLICY_VIOLATION, 'too many connections from your address');
    return conn;
  }

  #message(conn: Connection, data: Uint8Array, isBinary: boolean): void {
    if (conn.closed) return;
    this.metrics.framesIn.inc();
    let frame: ClientFrame;
    try {
      // Decoding is bounded by the frame limit, so it comes first: a rate-limited request then
      // gets its RATE_LIMITED answer under its own id.
      const maxBytes = this.config.maxFrameBytes;
      if (conn.format === 'json') {
        if (isBinary) throw new ProtocolError('this connection speaks JSON text frames');
        frame = decodeClientFrameJson(decoder.decode(data), { maxBytes });
      } else {
        if (!isBinary) throw new ProtocolError('this connection speaks binary protobuf frames');
        frame = decodeClientFrame(data, { maxBytes });
      }
    } catch (err) {
      this.metrics.badFrames.inc();
      conn.respondError(0, toCosmoError(err));
      conn.violation('too many bad frames');
      return;
    }
    if (!conn.admit()) {
      conn.respondError(
        frame.id,
        new CosmoError(ErrorCode.RATE_LIMITED, 'too many requests; slow down'),
      );
      conn.violation('request rate too high');
      return;
    }
    const overLimit = this.#overIdentityLimit(conn, frame);
    if (overLimit) {
      conn.respondError(frame.id, new CosmoError(ErrorCode.RATE_LIMITED, overLimit));
      conn.violation('request rate too high');
      return;
    }
    let run = conn.queue.then(() => this.#handle(conn, frame));
    if (frame.request === 'join' || frame.request === 'resume') run = run.finally(conn.joining());
    conn.queue = run;
  }

  /** Why a joined person's request is over their own limits (any socket of theirs), if it is. */
  #overIdentityLimit(conn: Connection, frame: ClientFrame): string | undefined {
    const p = conn.participant;
    if (!p || p.closed) return undefined;
    if (!this.#limits.take(p.identity, 'request')) return 'too many requests; slow down';
    if (frame.request === 'sendChat' && !this.#limits.take(p.identity, 'chat'))
      return 'too many chat messages; wait a moment before sending more';
    return undefined;
  }

  /** Spends a join or resume of `identity`: reconnecting in a loop is limited per person. */
  #admitJoin(identity: string): void {
    if (!this.#limits.take(identity, 'join')) {
      throw new CosmoError(
        ErrorCode.RATE_LIMITED,
        'too many joins for this person; wait a few seconds and try again',
      );
    }
  }

  #close(conn: Connection): void {
    conn.markClosed();
    this.#connections.delete(conn);
    this.metrics.connections.dec();
    if (this.#counted.delete(conn)) this.#addresses.closeSocket(conn.socket.remoteAddress);
    const p = conn.participant;
    if (!p || p.closed || p.connection !== conn) return;
    p.detach(conn);
    if (this.#closed) return;
    const grace = this.config.resumeGraceMs;
    if (grace === 0) {
      p.close('disconnected');
      return;
    }
    this.#graceTimers.set(
      p,
      setTimeout(() => {
        this.#graceTimers.delete(p);
        if (!p.connection) p.close('disconnected');
      }, grace),
    );
  }

  // ---- requests ------------------------------------------------------------------------------

  async #handle(conn: Connection, frame: ClientFrame): Promise<void> {
    if (conn.closed && frame.request !== 'leave') return;
    const id = frame.id;
    try {
      const body = await this.#dispatch(conn, frame);
      if (body) conn.respond(id, body);
    } catch (err) {
      const error = toCosmoError(err);
      if (error.code === ErrorCode.INTERNAL) {
        this.logger.error({ err, request: frame.request }, 'request failed');
      }
      conn.respondError(id, error);
      if (error.code === ErrorCode.NOT_AUTHORIZED)
        this.#addresses.takeHttp(conn.socket.remoteAddress);
      if (error.code === ErrorCode.NOT_AUTHORIZED || error.code === ErrorCode.UNSUPPORTED_VERSION) {
        conn.close(CloseCode.NOT_AUTHORIZED, error.message);
      }
    }
  }

  /** Runs a request; resolves with the response body, or null when it already answered. */
  async #dispatch(conn: Connection, frame: ClientFrame): Promise<EventBody | null> {
    switch (frame.request) {
      case 'ping':
        return { pong: { clientTime: frame.ping.clientTime ?? 0, serverTime: Date.now() } };
      case 'ackEvents':
        this.#joined(conn).acknowledge(frame.ackEvents.lastSeq ?? 0);
        return { ok: {} };
      case 'join':
        return this.#join(conn, frame.join);
      case 'resume':
        return this.#resume(conn, frame.id, frame.resume);
      case 'leave': {
        const p = this.#joined(conn);
        conn.participant = null;
        p.close('left');
        return { ok: {} };
      }
      default: {
        const p = this.#joined(conn);
        const classroom = this.classrooms.get(p.room);
        if (!classroom) throw new InvalidStateError('the class has ended');
        const kind = frame.request;
        const handler = joinedHandlers[kind] as
          ((ctx: unknown, req: unknown) => EventBody | Promise<EventBody>) | undefined;
        if (!handler) throw new CosmoError(ErrorCode.UNAVAILABLE, `'${kind}' is not supported`);
        return handler(
          {
            classroom,
            participant: p,
            school: this.school,
            captions: this.captions.get(classroom.room),
          },
          (frame as Record<string, unknown>)[kind],
        );
      }
    }
  }

  #joined(conn: Connection): Participant {
    const p = conn.participant;
    if (!p || p.closed) throw new InvalidStateError('join a classroom first');
    return p;
  }

  async #join(conn: Connection, req: NonNullable<ClientFrame['join']>): Promise<EventBody> {
    if (conn.participant && !conn.participant.closed) {
      throw new InvalidStateError('this connection has already joined');
    }
    if (req.protocolVersion !== PROTOCOL_VERSION) {
      throw new CosmoError(
        ErrorCode.UNSUPPORTED_VERSION,
        `protocol version ${req.protocolVersion ?? 0} is not supported; this server speaks ${PROTOCOL_VERSION}`,
      );
    }
    const claims = await this.tokens.verify(req.token);
    this.#admitJoin(claims.identity);
    const classId = this.classOfRoom(claims.room);
    if (classId) this.school?.assertMayJoin(classId, claims.identity);
    this.#checkEnded(claims, Boolean(req.reopen));
    let rtpCapabilities: ms.RtpCapabilities | undefined;
    if (req.rtpCapabilities) {
      rtpCapabilities = rtpCapabilitiesFromProto(req.rtpCapabilities) as ms.RtpCapabilities;
    }
    const classroom = await this.#classroom(claims.room);
    if (conn.closed) throw new InvalidStateError('the connection closed while joining');
    // The same person joining again (a reload, a second tab, a rejoin after a lost session)
    // takes over the seat of the old session, which closes once the new one is in.
    const previous = [...classroom.participants.values()].filter(
      (other) => other.identity === claims.identity,
    );
    const previousConnections = previous.map((other) => other.connection);
    const participant = classroom.join(
      {
        identity: claims.identity,
        name: claims.name,
        role: claims.role,
        room: classroom.room,
        permissions: initialPermissions(claims.role, classroom.lectureMode, claims.grants),
      },
      previous,
    );
    for (const c of previousConnections) {
      if (c && c !== conn) c.close(CloseCode.REPLACED, 'joined from another connection');
    }
    participant.rtpCapabilities = rtpCapabilities;
    participant.sessionId = randomUUID();
    this.#sessions.set(participant.sessionId, participant);
    const school = this.school;
    school?.recordPresence(classroom.room, participant.identity, 'join');
    const mine = this.#byIdentity.get(participant.identity) ?? new Set<Participant>();
    mine.add(participant);
    this.#byIdentity.set(participant.identity, mine);
    participant.once('closed', () => {
      school?.recordPresence(classroom.room, participant.identity, 'leave');
      mine.delete(participant);
      if (mine.size === 0 && this.#byIdentity.get(participant.identity) === mine) {
        this.#byIdentity.delete(participant.identity);
      }
      this.#sessions.delete(participant.sessionId);
      const timer = this.#graceTimers.get(participant);
      if (timer) clearTimeout(timer);
      this.#graceTimers.delete(participant);
      const c = participant.connection;
      if (c?.participant === participant) c.participant = null;
    });
    conn.participant = participant;
    participant.attach(conn);
    // The unread inbox (including what was sent while away) follows the join response.
    if (school) {
      const pending = school.inboxFor(participant.identity);
      if (pending.length > 0) {
        // After the join response, which goes out when this request completes.
        setImmediate(() => {
          for (const notice of pending)
            participant.send({ notification: noticeToProto(notice, false) });
        });
      }
    }
    return {
      join: {
        sessionId: participant.sessionId,
        participantId: participant.id,
        protocolVersion: PROTOCOL_VERSION,
        routerRtpCapabilities: rtpCapabilitiesToProto(classroom.router.rtpCapabilities),
        classroom: classroom.state(),
        self: participant.info(),
        participants: [...classroom.participants.values()]
          .filter((p) => p !== participant)
          .map((p) => p.info()),
        iceServers: this.config.iceServers.map((s) => ({
          urls: Array.isArray(s.urls) ? s.urls : [s.urls],
          username: s.username,
          credential: s.credential,
        })),
        resumeGraceMs: this.config.resumeGraceMs,
        recentChat: (school?.chatHistory(classroom.room, participant.identity, 50) ?? []).map(
          chatToProto,
        ),
        handouts: this.#handoutsOf(classroom.room).map(handoutToProto),
      },
    };
  }

  async #resume(
    conn: Connection,
    requestId: number,
    req: NonNullable<ClientFrame['resume']>,
  ): Promise<null> {
    const claims = await this.tokens.verify(req.token);
    this.#admitJoin(claims.identity);
    const p = req.sessionId ? this.#sessions.get(req.sessionId) : undefined;
    if (!p || p.closed || p.identity !== claims.identity || p.room !== claims.room) {
      throw new NotFoundError('the session has expired; join again');
    }
    const events = p.eventsAfter(req.lastSeq ?? 0);
    if (!events) throw new InvalidStateError('too many events were missed; join again');
    const timer = this.#graceTimers.get(p);
    if (timer) clearTimeout(timer);
    this.#graceTimers.delete(p);
    const previous = p.connection;
    if (previous && previous !== conn) {
      previous.participant = null;
      previous.close(CloseCode.REPLACED, 'resumed on another connection');
    }
    conn.participant = p;
    p.attach(conn);
    const classroom = this.classrooms.get(p.room);
    // The response first, then the missed events in order.
    conn.respond(requestId, {
      resume: {
        replayed: events.length,
        classroom: classroom?.state(),
        participants: classroom ? [...classroom.participants.values()].map((x) => x.info()) : [],
      },
    });
    for (const e of events) conn.sendFrame(e);
    return null;
  }

  /**
   * An ended class stays ended for the tokens signed before it ended: the same link does not
   * open a fresh classroom a moment after the teacher closed it. A moderator's join with
   * `reopen` starts it again; a token signed after the end (the next lesson's) is let in.
   */
  #checkEnded(claims: JoinClaims, reopen: boolean): void {
    if (reopen && !isAllowed(claims.role, initialPermissions(claims.role, true), 'reopenClass')) {
      throw new PermissionError(refusal(claims.role, 'reopenClass'));
    }
    const endedAt = this.#ended.endedAt(claims.room);
    if (endedAt === undefined) return;
    if (reopen) {
      this.#ended.reopen(claims.room);
      return;
    }
    if ((claims.issuedAt ?? 0) <= endedAt) {
      throw new CosmoError(
        ErrorCode.CLASS_ENDED,
        'this class has ended; only its teacher can start it again',
      );
    }
  }

  #startCaptions(classroom: Classroom): void {
    this.#translator ??= new ApertiumTranslator();
    const captions = new ClassroomCaptions(
      classroom,
      {
        // English lessons use pocketsphinx with the lesson's vocabulary; other languages the
        // configured whisper model, shared by every classroom.
        recognizer: (lessonText, language) => {
          if (language !== 'en') {
            const whisper = this.#whisper;
            if (whisper?.capabilities.languages.includes(language)) return borrowEngine(whisper);
            throw new CosmoError(
              ErrorCode.MODEL_MISSING,
              whisper
                ? `the whisper model ${whisper.options.model} does not know '${language}'`
                : `no offline recogniser for '${language}': configure a whisper model (captionWhisperModel)`,
            );
          }
          const cmnInit = this.config.captionCmnInit;
          return new PocketsphinxSpeechToText({ lessonText, ...(cmnInit ? { cmnInit } : {}) });
        },
        translator: this.#translator,
      },
      this.logger,
    );
    this.captions.set(classroom.room, captions);
    const school = this.school;
    if (school) {
      captions.onLine = (line) => {
        try {
          school.storeCaption(line);
        } catch (err) {
          this.logger.error({ err }, 'cannot store a transcript line');
        }
      };
    }
    classroom.observer.on('producerAdded', (p, producer, source) => {
      if (source === 'microphone' && (p.role === 'teacher' || p.role === 'assistant')) {
        void captions.tapProducer(p, producer);
      }
    });
  }

  #handoutsOf(room: string) {
    const classId = this.classOfRoom(room);
    return classId && this.school ? this.school.repos.handouts.forClass(classId) : [];
  }

  #storeChat(room: string, m: cosmo.v1.ChatMessage.$Properties): number {
    // History outlives sessions: store people by identity, not by participant id.
    const participants = this.classrooms.get(room)?.participants;
    const identityOf = (id: string | null | undefined) =>
      id ? (participants?.get(id)?.identity ?? '') : '';
    return this.school!.storeChat({
      id: m.id ?? '',
      room,
      personId: identityOf(m.participantId),
      name: m.name ?? '',
      text: m.text ?? '',
      toPerson: identityOf(m.toParticipantId),
      sentAt: m.sentAt ?? Date.now(),
    }).seq;
  }

  async #classroom(room: string): Promise<Classroom> {
    const existing = this.classrooms.get(room);
    if (existing && !existing.closed) return existing;
    let opening = this.#opening.get(room);
    if (!opening) {
      opening = Classroom.open(room, {
        pool: this.pool,
        metrics: this.metrics,
        logger: this.logger,
        listenIp: this.config.listenIp,
        announcedIp: this.config.announcedIp,
        maxParticipants: this.config.maxParticipants,
        ...(this.school ? { storeChat: (room, m) => this.#storeChat(room, m) } : {}),
      });
      this.#opening.set(room, opening);
      try {
        const classroom = await opening;
        classroom.title =
          this.#titles.get(room) ?? this.school?.repos.roster.lecture(room)?.title ?? room;
        classroom.classId = this.classOfRoom(room) ?? '';
        classroom.lectureId = this.school?.repos.roster.lecture(room) ? room : '';
        this.classrooms.set(room, classroom);
        this.metrics.rooms.inc();
        if (this.config.captions) this.#startCaptions(classroom);
        classroom.once('ended', () => this.#ended.markEnded(room, Date.now()));
        classroom.once('closed', () => {
          this.captions.get(room)?.close();
          this.captions.delete(room);
          if (this.classrooms.get(room) === classroom) this.classrooms.delete(room);
          this.metrics.rooms.dec();
        });
        return classroom;
      } finally {
        this.#opening.delete(room);
      }
    }
    return opening;
  }
}
