import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { TransformersTranslator, WhisperSpeechToText } from '@cosmo/translate';
import { School } from '@cosmo/school';
import { AddressLimits } from './AddressLimits.js';
import { SchoolBridge } from './bridge/SchoolBridge.js';
import {
  noticeChannels,
  startNoticeDelivery,
  type NoticeChannels,
} from './bridge/noticeDelivery.js';
import { CaptionService } from './captions/CaptionService.js';
import { VoiceProfiles } from './captions/VoiceProfiles.js';
import { RecordingService } from './recording/RecordingService.js';
import { BoardService } from './board/BoardService.js';
import type { Classroom } from './Classroom.js';
import { workerCount, type Config } from './config.js';
import { createHttpRoutes } from './http/routes.js';
import type { HttpContext } from './http/HttpContext.js';
import { IdentityLimits } from './IdentityLimits.js';
import { mediaAddressWarnings } from './mediaAddress.js';
import { certificateWarning } from './transports/tlsFiles.js';
import { MediaWorkerPool } from './MediaWorkerPool.js';
import { Metrics } from './metrics.js';
import type { Participant } from './Participant.js';
import { BreakoutService } from './rooms/BreakoutService.js';
import { PollService } from './rooms/PollService.js';
import { ClassroomDirectory } from './rooms/ClassroomDirectory.js';
import { Sessions } from './sessions/Sessions.js';
import { Cluster } from './cluster/Cluster.js';
import { isRemote } from './cluster/RemoteParticipant.js';
import { Admission } from './signalling/Admission.js';
import { SignallingDispatcher } from './signalling/SignallingDispatcher.js';
import { TokenService, resolveApiSecret } from './tokens.js';
import type { SignallingTransport } from './transports/SignallingTransport.js';
import { UwsTransport } from './transports/UwsTransport.js';
import { WsTransport } from './transports/WsTransport.js';

/** How to start a server. */
export interface CosmoServerOptions {
  config: Config;
  /** Defaults to a pino logger at the configured level. */
  logger?: Logger;
}

/** The caption engines loaded at startup, shared by every classroom. */
interface CaptionEngines {
  whisper: WhisperSpeechToText | undefined;
  machineTranslator: TransformersTranslator | undefined;
}

/**
 * The Cosmo media server: HTTP + WebSocket signalling on one port, a mediasoup worker pool, and
 * the classrooms. It starts, wires and stops the parts: a socket's frames go through the
 * signalling dispatcher to admission or to the handlers of their area; the classroom directory
 * opens and forgets classrooms; the sessions keep joined participants resumable; the school
 * bridge and the caption service attach to classrooms as they open.
 */
export class CosmoServer {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics = new Metrics();
  readonly tokens: TokenService;
  readonly pool: MediaWorkerPool;
  /** Roster, attendance, leave, notices and chat history (off with `school: false`). */
  readonly school: School | undefined;
  /** The breakouts of every main room (they outlive the main room's classroom). */
  readonly breakouts: BreakoutService;
  /** Lecture recordings. */
  readonly recordings: RecordingService;
  /** The shared boards. */
  readonly boards: BoardService;
  /** The bound port (useful when the config asked for port 0). */
  port = 0;

  readonly #classrooms: ClassroomDirectory;
  readonly #sessions: Sessions;
  readonly #captions: CaptionService | undefined;
  readonly #addresses: AddressLimits;
  readonly #limits: IdentityLimits;
  readonly #dispatcher: SignallingDispatcher;
  readonly #transport: SignallingTransport;
  /** Web Push and email of notices (with the school). */
  #channels: NoticeChannels | undefined;
  /** This node's part in a cluster (cluster mode). */
  #cluster: Cluster | undefined;
  #closed = false;

  private constructor(
    config: Config,
    logger: Logger,
    tokens: TokenService,
    pool: MediaWorkerPool,
    school: School | undefined,
    engines: CaptionEngines,
  ) {
    this.config = config;
    this.logger = logger;
    this.tokens = tokens;
    this.pool = pool;
    this.school = school;
    const { metrics } = this;
    this.#classrooms = new ClassroomDirectory({
      config,
      pool,
      metrics,
      logger,
      school,
      breakoutRooms: { refusal: (claims) => this.breakouts.refusal(claims) },
    });
    this.breakouts = new BreakoutService({
      tokens,
      classrooms: this.#classrooms,
      logger,
      clustered: Boolean(config.cluster),
    });
    this.#sessions = new Sessions(config.resumeGraceMs);
    this.#captions = config.captions
      ? new CaptionService(this.#classrooms, {
          cmnInit: config.captionCmnInit,
          lessonWeight: config.captionLessonWeight,
          uncertainBelow: config.captionUncertainBelow,
          voices: new VoiceProfiles(join(config.dataDir, 'voices.json'), logger),
          whisper: engines.whisper,
          machineTranslator: engines.machineTranslator,
          school,
          logger,
        })
      : undefined;
    const bridge = school && new SchoolBridge(school, this.#sessions, this.#classrooms);
    const polls = new PollService(this.#classrooms, school);
    this.recordings = new RecordingService(this.#classrooms, { config, school, logger, metrics });
    this.boards = new BoardService(this.#classrooms, {
      store: school && {
        load: (room) => school.boardLoad(room),
        append: (room, update, identity, at) => school.boardAppend(room, update, identity, at),
        saveSnapshot: (room, snapshot, upto) => school.boardSnapshot(room, snapshot, upto),
      },
      limits: config.board,
      logger,
    });
    this.#addresses = new AddressLimits(config.addressLimits);
    this.#limits = new IdentityLimits(config.identityLimits);
    this.#dispatcher = new SignallingDispatcher({
      config,
      metrics,
      logger,
      addresses: this.#addresses,
      limits: this.#limits,
      admission: new Admission({
        config,
        tokens,
        limits: this.#limits,
        classrooms: this.#classrooms,
        sessions: this.#sessions,
        school: bridge,
        captions: this.#captions,
        breakouts: this.breakouts,
        polls,
        recordings: this.recordings,
        cluster: () => this.#cluster,
      }),
      sessions: this.#sessions,
      classrooms: this.#classrooms,
      school,
      captions: this.#captions,
      breakouts: this.breakouts,
      polls,
      recordings: this.recordings,
      boards: this.boards,
    });
    this.#transport = config.transport === 'uws' ? new UwsTransport() : new WsTransport();
    pool.on('workerReplaced', () => metrics.workerDeaths.inc());
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
    // Translation models' manifests likewise (the models themselves load on first use).
    const machineTranslator = config.captions
      ? new TransformersTranslator({
          models: [config.captionTranslationModels ?? join(config.dataDir, 'models')],
        })
      : undefined;
    const pool = await MediaWorkerPool.create({
      count: workerCount(config),
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
      ...(config.webRtcServer
        ? {
            webRtcServer: {
              ip: config.listenIp,
              announcedIp: config.announcedIp,
              port: config.mediaPort,
            },
          }
        : {}),
      logger: log,
    });
    let school: School | undefined;
    try {
      if (config.school) {
        const options = {
          reminderIntervalMs: config.reminderIntervalMs,
          reminderLimit: config.reminderLimit,
          emailDelayMs: config.noticeEmailDelayMs,
          pushGraceMs: config.noticePushGraceMs,
          digestAt: config.noticeDigestAt,
          timeZone: config.timeZone,
        };
        // A cluster's nodes share the records in PostgreSQL; one node keeps them in SQLite.
        const postgresUrl = config.cluster?.postgresUrl;
        school = postgresUrl
          ? School.openPostgres(postgresUrl, options, join(config.dataDir, 'handouts'))
          : School.open(config.dataDir, options);
      }
    } catch (err) {
      pool.close();
      throw err;
    }
    let channels: NoticeChannels | undefined;
    try {
      channels = school && noticeChannels(config, log);
    } catch (err) {
      pool.close();
      school?.close();
      throw err;
    }
    const server = new CosmoServer(config, log, new TokenService(secret), pool, school, {
      whisper,
      machineTranslator,
    });
    server.#channels = channels;
    const dispatcher = server.#dispatcher;
    try {
      server.port = await server.#transport.listen(
        {
          host: config.host,
          port: config.port,
          // Past the largest frame anyone may send (a moderator's lesson), frames are still
          // received and refused under their id for a while; only beyond this the socket closes.
          maxPayloadBytes:
            Math.max(config.maxFrameBytes, config.maxLessonBytes) + config.maxFrameBytes * 4,
          maxBackpressureBytes: config.backpressureBytes * 16,
          trustProxy: config.trustProxy,
          uploadDir: join(config.dataDir, 'uploads'),
          tls: config.tls,
        },
        {
          upgrade: (head) => dispatcher.upgrade(head),
          open: (socket, format) => dispatcher.open(socket, format),
          message: (conn, data, isBinary) => dispatcher.message(conn, data, isBinary),
          close: (conn) => dispatcher.close(conn),
          http: createHttpRoutes(server.#httpContext()),
        },
      );
    } catch (err) {
      pool.close();
      school?.close();
      throw err;
    }
    if (config.cluster) {
      try {
        server.#cluster = await Cluster.start({
          config: { ...config, cluster: config.cluster },
          port: server.port,
          logger: log,
          classrooms: server.#classrooms,
          sessions: server.#sessions,
          school,
          metrics: server.metrics,
        });
      } catch (err) {
        await server.#transport.close();
        pool.close();
        school?.close();
        throw err;
      }
    }
    // Recordings a crash or a restart interrupted are published now.
    server.recordings.recover();
    if (school && channels) {
      // Rows a crash interrupted go again now, with links to where this server is reached.
      const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
      const apiUrl =
        config.publicUrl ?? `${config.tls ? 'https' : 'http'}://${shown}:${server.port}/`;
      if (!config.publicUrl && (channels.push || channels.email))
        log.warn(
          { apiUrl },
          'no COSMO_PUBLIC_URL set: the links in pushes and emails (and the emails’ one-click ' +
            'unsubscribe) point at this address; set it to where students reach this server',
        );
      startNoticeDelivery(school, channels, {
        tokens: server.tokens,
        inboxUrl: config.inboxUrl ?? apiUrl,
        apiUrl,
        pushTtlSeconds: config.pushTtlSeconds,
        metrics: server.metrics,
        logger: log,
      });
    }
    log.info(
      {
        port: server.port,
        transport: server.#transport.name,
        workers: pool.workers.length,
        media: config.webRtcServer
          ? `${config.announcedIp ?? config.listenIp} UDP/TCP ${config.mediaPort || 'free ports'}${
              config.mediaPort && pool.workers.length > 1
                ? `-${config.mediaPort + pool.workers.length - 1}`
                : ''
            }`
          : `${config.announcedIp ?? config.listenIp} UDP/TCP ${config.rtcMinPort}-${config.rtcMaxPort}`,
      },
      'cosmo server listening',
    );
    for (const warning of mediaAddressWarnings(config)) log.warn(warning);
    const certificate = config.tls && certificateWarning(config.tls);
    if (certificate) log.warn(certificate);
    if (config.demo && config.turn) {
      log.warn(
        'demo mode mints join tokens for anyone who asks, so anyone can get TURN credentials: ' +
          "never run --demo on a school's server with turn set",
      );
    }
    if (machineTranslator) {
      const { models, problems } = machineTranslator.report;
      for (const problem of problems) {
        // No models folder where none was configured is the usual case, not a fault.
        if (!config.captionTranslationModels && problem.startsWith('MODEL_MISSING'))
          log.info({ problem }, 'no machine translation models (docs/captions.md)');
        else log.error({ problem }, 'translation model skipped');
      }
      if (models.length > 0)
        log.info(
          { models: models.map((m) => m.name), pairs: machineTranslator.capabilities.pairs },
          'translation models',
        );
    }
    return server;
  }

  /** The open classrooms, by room. */
  get classrooms(): ReadonlyMap<string, Classroom> {
    return this.#classrooms.open;
  }

  /** Whether the server has been closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Names a classroom (shown in the header) before or after it opens. */
  setRoomTitle(room: string, title: string): void {
    this.#classrooms.setTitle(room, title);
  }

  /** Forgets a room's title once the room is gone for good. */
  forgetRoomTitle(room: string): void {
    this.#classrooms.forgetTitle(room);
  }

  /** Whether a moderator ended the class `room` (and nobody has started it again). */
  isEnded(room: string): boolean {
    return this.#classrooms.isEnded(room);
  }

  /** The class a classroom belongs to: the class of its lecture, or the class it is named after. */
  classOfRoom(room: string): string | undefined {
    return this.#classrooms.classOf(room);
  }

  /** The live participants of a person (one per classroom they are in). */
  participantsOf(identity: string): Participant[] {
    return this.#sessions.participantsOf(identity);
  }

  /**
   * Stops accepting, closes every classroom and socket, then the workers, the school and the
   * engines. Not an end of class: sockets close with GOING_AWAY, and clients come back to the
   * server that replaces this one.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The other nodes drop this one at once, rather than when its heartbeat runs out.
    await this.#cluster?.close().catch(() => undefined);
    // Recorders close their files while the media still flows; publishing waits for the next start.
    await this.recordings.close();
    this.#sessions.close();
    this.breakouts.close();
    this.#classrooms.closeAll();
    this.boards.close();
    this.#dispatcher.closeAll();
    await this.#transport.close();
    this.pool.close();
    // Notice sends in progress are answered and recorded, not repeated on the next start.
    await this.school?.drainDeliveries();
    this.school?.close();
    this.#limits.close();
    await this.#captions?.close();
  }

  /** What the HTTP routes may see and do of the server. */
  #httpContext(): HttpContext {
    return {
      config: this.config,
      tokens: this.tokens,
      school: this.school,
      logger: this.logger,
      limits: this.#addresses,
      metrics: this.metrics,
      workerUsage: () => this.pool.usage(),
      counts: () => ({
        rooms: this.#classrooms.open.size,
        participants: [...this.#classrooms.open.values()].reduce(
          (n, c) => n + [...c.participants.values()].filter((p) => !isRemote(p)).length,
          0,
        ),
        workers: this.pool.workers.length,
        ...(this.#cluster && { cluster: this.#cluster.status() }),
      }),
      classOfRoom: (room) => this.#classrooms.classOf(room),
      isEnded: (room) => this.#classrooms.isEnded(room),
      setRoomTitle: (room, title) => this.#classrooms.setTitle(room, title),
      forgetRoomTitle: (room) => this.#classrooms.forgetTitle(room),
      push: this.#channels?.push && {
        publicKey: this.#channels.push.publicKey,
        endpointHosts: this.#channels.endpointHosts,
      },
    };
  }
}
