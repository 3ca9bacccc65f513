import type { Logger } from 'pino';
import {
  CosmoError,
  ErrorCode,
  InvalidStateError,
  ProtocolError,
  clientFrameHead,
  decodeClientFrame,
  decodeClientFrameJson,
  isModerator,
  requestField,
  toCosmoError,
  type ClientFrame,
} from '@cosmo/core';
import type { School } from '@cosmo/school';
import type { AddressLimits } from '../AddressLimits.js';
import type { CaptionService } from '../captions/CaptionService.js';
import type { Config } from '../config.js';
import { CloseCode, Connection, type SignallingSocket, type WireFormat } from '../Connection.js';
import { joinedHandlers } from '../handlers/index.js';
import type { IdentityLimits } from '../IdentityLimits.js';
import type { Metrics } from '../metrics.js';
import type { EventBody, Participant } from '../Participant.js';
import type { BreakoutService } from '../rooms/BreakoutService.js';
import type { PollService } from '../rooms/PollService.js';
import type { RecordingService } from '../recording/RecordingService.js';
import type { BoardService } from '../board/BoardService.js';
import type { ClassroomDirectory } from '../rooms/ClassroomDirectory.js';
import type { Sessions } from '../sessions/Sessions.js';
import { rateLimitedAnswer } from '../http/answers.js';
import type { HttpAnswer, HttpRequestHead } from '../http/types.js';
import type { Admission } from './Admission.js';

/** What the dispatcher hands frames to, and the limits it applies. */
export interface DispatcherContext {
  config: Pick<
    Config,
    | 'maxFrameBytes'
    | 'maxLessonBytes'
    | 'rateLimit'
    | 'maxViolations'
    | 'backpressureBytes'
    | 'joinTimeoutMs'
  >;
  metrics: Metrics;
  logger: Logger;
  addresses: AddressLimits;
  limits: IdentityLimits;
  admission: Admission;
  sessions: Sessions;
  classrooms: ClassroomDirectory;
  school: School | undefined;
  captions: CaptionService | undefined;
  breakouts: BreakoutService;
  polls?: PollService;
  recordings?: RecordingService | undefined;
  boards?: BoardService | undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const SET_LESSON = requestField('setLesson');

/**
 * The signalling sockets' side of the server: admits sockets per address, decodes every frame
 * (a bad one is a BAD_FRAME answer, never a crash), applies the per-socket and per-person rate
 * limits, runs each socket's requests one after another, and hands each to admission (join,
 * resume), the sessions (leave, acks) or the handler of its area, answering under its id.
 */
export class SignallingDispatcher {
  readonly #ctx: DispatcherContext;
  readonly #connections = new Set<Connection>();
  /** Connections counted in the address limits (one refused there is not). */
  readonly #counted = new WeakSet<Connection>();
  #closing = false;

  constructor(ctx: DispatcherContext) {
    this.#ctx = ctx;
  }

  /** Refuses a WebSocket upgrade from an address that may not open another socket now. */
  upgrade(head: HttpRequestHead): HttpAnswer | undefined {
    const { addresses } = this.#ctx;
    const address = head.remoteAddress;
    let message: string | undefined;
    if (addresses.socketsFull(address)) message = 'too many connections from your address';
    // Refused tokens draw from the address's unauthenticated allowance (see #handle): an
    // address that spent it trying tokens waits before it may open more sockets.
    else if (addresses.httpSpent(address))
      message = 'too many refused requests from your address; try again in a few seconds';
    return message ? rateLimitedAnswer(message) : undefined;
  }

  /** A socket opened. */
  open(socket: SignallingSocket, format: WireFormat): Connection {
    const { config, metrics, addresses } = this.#ctx;
    const conn = new Connection(
      socket,
      format,
      {
        maxFrameBytes: config.maxFrameBytes,
        ratePerSecond: config.rateLimit.perSecond,
        rateBurst: config.rateLimit.burst,
        maxViolations: config.maxViolations,
        backpressureBytes: config.backpressureBytes,
        joinTimeoutMs: config.joinTimeoutMs,
      },
      metrics,
    );
    this.#connections.add(conn);
    metrics.connections.inc();
    // The upgrade checked this already; upgrades that raced each other are caught here.
    if (addresses.openSocket(socket.remoteAddress)) this.#counted.add(conn);
    else conn.close(CloseCode.POLICY_VIOLATION, 'too many connections from your address');
    return conn;
  }

  /** A frame arrived on a socket. `data` is only valid during the call. */
  message(conn: Connection, data: Uint8Array, isBinary: boolean): void {
    if (conn.closed) return;
    const { metrics, config } = this.#ctx;
    metrics.framesIn.inc();
    let frame: ClientFrame;
    try {
      // Decoding is bounded by the frame limit, so it comes first: a rate-limited request then
      // gets its RATE_LIMITED answer under its own id. A moderator's lesson may be larger; nobody
      // else's frame over the limit is decoded at all.
      const lesson = data.byteLength > config.maxFrameBytes && this.#mayLesson(conn);
      const maxBytes = lesson ? this.#lessonLimit : config.maxFrameBytes;
      if (conn.format === 'json') {
        if (isBinary) throw new ProtocolError('this connection speaks JSON text frames');
        frame = decodeClientFrameJson(decoder.decode(data), { maxBytes });
      } else {
        if (!isBinary) throw new ProtocolError('this connection speaks binary protobuf frames');
        if (data.byteLength > maxBytes) throw this.#tooLarge(conn, data);
        frame = decodeClientFrame(data, { maxBytes });
      }
      if (lesson && frame.request !== 'setLesson') throw this.#tooLarge(conn, data, frame.id);
    } catch (err) {
      const refusal = err instanceof FrameRefusal ? err : new FrameRefusal(0, toCosmoError(err));
      conn.respondError(refusal.requestId, refusal.error);
      if (refusal.error.code === ErrorCode.BAD_FRAME) {
        metrics.badFrames.inc();
        conn.violation('too many bad frames');
      } else if (!conn.admit()) {
        // A lesson too large is the teacher's to shorten, not abuse, but it is a request.
        conn.violation('request rate too high');
      }
      return;
    }
    const overLimit = conn.admit()
      ? this.#overIdentityLimit(conn, frame)
      : 'too many requests; slow down';
    if (overLimit) {
      conn.respondError(frame.id, new CosmoError(ErrorCode.RATE_LIMITED, overLimit));
      conn.violation('request rate too high');
      return;
    }
    let run = conn.queue.then(() => this.#handle(conn, frame));
    if (frame.request === 'join' || frame.request === 'resume') run = run.finally(conn.joining());
    conn.queue = run;
  }

  /** A socket closed, for whatever reason. */
  close(conn: Connection): void {
    const { metrics, addresses, sessions } = this.#ctx;
    conn.markClosed();
    this.#connections.delete(conn);
    metrics.connections.dec();
    if (this.#counted.delete(conn)) addresses.closeSocket(conn.socket.remoteAddress);
    this.#ctx.admission.stopWaiting(conn);
    if (!this.#closing) sessions.disconnected(conn);
  }

  /** Closes every socket with GOING_AWAY (the server is stopping). */
  closeAll(): void {
    this.#closing = true;
    for (const conn of this.#connections) conn.close(CloseCode.GOING_AWAY, 'server shutting down');
  }

  /** The largest lesson a moderator may send (never less than any other request). */
  get #lessonLimit(): number {
    const { maxFrameBytes, maxLessonBytes } = this.#ctx.config;
    return Math.max(maxFrameBytes, maxLessonBytes);
  }

  /** Whether this connection may send a lesson larger than other frames: a joined moderator. */
  #mayLesson(conn: Connection): boolean {
    const p = conn.participant;
    return !!p && !p.closed && isModerator(p.role);
  }

  /**
   * The refusal of a frame over its limit, under its request id when the frame's head names it:
   * a moderator's oversized lesson is INVALID_ARGUMENT (LESSON_TOO_LARGE, with both sizes),
   * anything else BAD_FRAME.
   */
  #tooLarge(conn: Connection, data: Uint8Array, id?: number): FrameRefusal {
    const { maxFrameBytes } = this.#ctx.config;
    const head = conn.format === 'binary' ? clientFrameHead(data) : undefined;
    const requestId = id ?? head?.id ?? 0;
    const size = data.byteLength;
    if (head?.field === SET_LESSON && this.#mayLesson(conn)) {
      const error = new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `the lesson with its glossary and translations is ${size} bytes; the server takes at most ${this.#lessonLimit}`,
        {
          reason: 'LESSON_TOO_LARGE',
          params: { size: String(size), max: String(this.#lessonLimit) },
        },
      );
      return new FrameRefusal(requestId, error);
    }
    const error = new ProtocolError(
      `frame of ${size} bytes exceeds the limit of ${maxFrameBytes} bytes`,
    );
    return new FrameRefusal(requestId, error);
  }

  /** Why a joined person's request is over their own limits (any socket of theirs), if it is. */
  #overIdentityLimit(conn: Connection, frame: ClientFrame): string | undefined {
    const p = conn.participant;
    if (!p || p.closed) return undefined;
    const { limits } = this.#ctx;
    if (!limits.take(p.identity, 'request')) return 'too many requests; slow down';
    if (frame.request === 'sendChat' && !limits.take(p.identity, 'chat'))
      return 'too many chat messages; wait a moment before sending more';
    return undefined;
  }

  async #handle(conn: Connection, frame: ClientFrame): Promise<void> {
    if (conn.closed && frame.request !== 'leave') return;
    const id = frame.id;
    try {
      const body = await this.#dispatch(conn, frame);
      if (body) conn.respond(id, body);
    } catch (err) {
      const error = toCosmoError(err);
      if (error.code === ErrorCode.INTERNAL) {
        this.#ctx.logger.error({ err, request: frame.request }, 'request failed');
      }
      conn.respondError(id, error);
      if (error.code === ErrorCode.NOT_AUTHORIZED)
        this.#ctx.addresses.takeHttp(conn.socket.remoteAddress);
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
        return this.#ctx.admission.join(conn, frame.join);
      case 'resume':
        return this.#ctx.admission.resume(conn, frame.id, frame.resume);
      case 'leave': {
        if (this.#ctx.admission.stopWaiting(conn)) return { ok: {} };
        const p = this.#joined(conn);
        conn.participant = null;
        p.close('left');
        return { ok: {} };
      }
      default: {
        const p = this.#joined(conn);
        const classroom = this.#ctx.classrooms.get(p.room);
        if (!classroom) throw new InvalidStateError('the class has ended');
        const kind = frame.request;
        const handler = joinedHandlers[kind] as
          ((ctx: unknown, req: unknown) => EventBody | Promise<EventBody>) | undefined;
        if (!handler) throw new CosmoError(ErrorCode.UNAVAILABLE, `'${kind}' is not supported`);
        return handler(
          {
            classroom,
            participant: p,
            school: this.#ctx.school,
            captions: this.#ctx.captions,
            breakouts: this.#ctx.breakouts,
            polls: this.#ctx.polls,
            recordings: this.#ctx.recordings,
            boards: this.#ctx.boards,
          },
          (frame as Record<string, unknown>)[kind],
        );
      }
    }
  }

  #joined(conn: Connection): Participant {
    const p = conn.participant;
    if (!p || p.closed) {
      if (this.#ctx.admission.isWaiting(conn)) throw new InvalidStateError('waiting to be let in');
      throw new InvalidStateError('join a classroom first');
    }
    return p;
  }
}

/** A frame refused before it was handled, and the request id to answer under (0: none known). */
class FrameRefusal extends Error {
  readonly requestId: number;
  readonly error: CosmoError;

  constructor(requestId: number, error: CosmoError) {
    super(error.message);
    this.requestId = requestId;
    this.error = error;
  }
}
