import {
  CosmoError,
  ErrorCode,
  encodeServerFrame,
  encodeServerFrameJson,
  type SharedServerEvent,
  type ServerFrameInit,
} from '@cosmo/core';
import type { Metrics } from './metrics.js';
import type { Participant } from './Participant.js';
import { TokenBucket } from './TokenBucket.js';

/** Binary protobuf frames, or the JSON form (subprotocol `cosmo.v1.json`) for debugging and the bench. */
export type WireFormat = 'binary' | 'json';

/** The WebSocket subprotocols Cosmo speaks. */
export const SUBPROTOCOLS = { binary: 'cosmo.v1', json: 'cosmo.v1.json' } as const;

/** What a signalling transport (uWS or ws) provides for one socket. */
export interface SignallingSocket {
  /** Queues a message; false when the transport refused it (socket closed or over its limit). */
  send(data: Uint8Array | string): boolean;
  /** Bytes queued and not yet written. */
  bufferedAmount(): number;
  /** Closes the socket with a WebSocket close code. */
  close(code: number, reason: string): void;
  readonly remoteAddress: string;
}

/** Limits applied to every connection. */
export interface ConnectionLimits {
  maxFrameBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  maxViolations: number;
  backpressureBytes: number;
  /**
   * A connection without a participant this long (after opening, or after its participant left)
   * is closed; a join or resume under way is waited for. Unset: never.
   */
  joinTimeoutMs?: number;
}

/** WebSocket close codes Cosmo uses. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY_VIOLATION: 1008,
  TOO_BIG: 1009,
  NOT_AUTHORIZED: 4001,
  CLASS_ENDED: 4002,
  REPLACED: 4003,
  /** A cluster node is draining: the client reconnects, and is sent to another node. */
  MOVED: 4004,
  /** A moderator refused to let this waiting client in: it does not reconnect. */
  REFUSED: 4005,
} as const;

let nextId = 1;

/** One signalling socket: encodes frames, applies backpressure, rate limit and abuse limits. */
export class Connection {
  readonly id = nextId++;
  readonly socket: SignallingSocket;
  readonly format: WireFormat;
  readonly limits: ConnectionLimits;
  /** Requests of one connection run one after another, in arrival order. */
  queue: Promise<void> = Promise.resolve();
  #participant: Participant | null = null;
  #bucket: TokenBucket;
  #violations = 0;
  #closed = false;
  readonly #metrics: Metrics;
  /** Since when the connection has had no participant. */
  #idleSince = performance.now();
  #joining = 0;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    socket: SignallingSocket,
    format: WireFormat,
    limits: ConnectionLimits,
    metrics: Metrics,
  ) {
    this.socket = socket;
    this.format = format;
    this.limits = limits;
    this.#metrics = metrics;
    this.#bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst);
    this.#armJoinTimer();
  }

  /** Set once the client has joined or resumed; null again once it has left. */
  get participant(): Participant | null {
    return this.#participant;
  }

  set participant(participant: Participant | null) {
    if (this.#participant && !participant) this.#idleSince = performance.now();
    this.#participant = participant;
    this.#armJoinTimer();
  }

  /**
   * Marks a join or resume as under way: the join timeout waits for it (a slow server is not the
   * client's fault). Returns the function that marks it done.
   */
  joining(): () => void {
    this.#joining++;
    this.#armJoinTimer();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#joining--;
      this.#armJoinTimer();
    };
  }

  /**
   * Starts the join timeout afresh: a socket let in from the waiting room has the whole time to
   * join, however long it waited.
   */
  restartJoinTimeout(): void {
    this.#idleSince = performance.now();
    this.#armJoinTimer();
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Takes a rate-limit token; false when the client is over its rate. */
  admit(): boolean {
    return this.#bucket.take();
  }

  /**
   * Counts an abuse (bad frame, rate limit hit). Returns true and closes the socket once the
   * connection has exceeded its allowance.
   */
  violation(reason: string): boolean {
    if (++this.#violations <= this.limits.maxViolations) return false;
    this.close(CloseCode.POLICY_VIOLATION, reason);
    return true;
  }

  /**
   * Sends a frame. Ephemeral frames are dropped while the socket is saturated; a critical frame
   * is always queued, and a socket the transport refuses is closed (its client resumes later and
   * gets the numbered events replayed).
   */
  sendFrame(frame: ServerFrameInit, critical = true, shared?: SharedServerEvent): void {
    if (this.#closed) return;
    if (!critical && this.socket.bufferedAmount() > this.limits.backpressureBytes) {
      this.#metrics.droppedEvents.inc();
      return;
    }
    // A broadcast's body is encoded once for every recipient; only the seq differs.
    const seq = frame.seq ?? 0;
    const data =
      this.format === 'binary'
        ? (shared?.binary(seq) ?? encodeServerFrame(frame))
        : (shared?.json(seq) ?? encodeServerFrameJson(frame));
    if (this.socket.send(data)) this.#metrics.framesOut.inc();
    else if (critical) this.close(CloseCode.POLICY_VIOLATION, 'client too slow');
  }

  /** Answers a request with a result body. */
  respond(requestId: number, body: Omit<ServerFrameInit, 'requestId' | 'seq'>): void {
    this.sendFrame({ ...body, requestId });
  }

  /** Answers a request with an error. */
  respondError(requestId: number, err: CosmoError): void {
    this.#metrics.rejected.inc({ code: err.code });
    if (requestId) this.sendFrame({ requestId, error: err.toWire() });
    else this.sendFrame({ errorEvent: { error: err.toWire() } });
  }

  /** Closes the socket. No-op when already closed. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#armJoinTimer();
    this.socket.close(code, reason);
  }

  /** Marks the connection closed after the transport reported the socket gone. */
  markClosed(): void {
    this.#closed = true;
    this.#armJoinTimer();
  }

  /** (Re)starts the join timeout when it applies now, and stops it otherwise. */
  #armJoinTimer(): void {
    clearTimeout(this.#joinTimer);
    this.#joinTimer = undefined;
    const timeout = this.limits.joinTimeoutMs;
    if (!timeout || this.#closed || this.#participant || this.#joining > 0) return;
    const left = this.#idleSince + timeout - performance.now();
    this.#joinTimer = setTimeout(() => this.#joinTimedOut(timeout), Math.max(0, left));
  }

  #joinTimedOut(timeout: number): void {
    this.#joinTimer = undefined;
    const seconds = Math.round(timeout / 100) / 10;
    this.respondError(
      0,
      new CosmoError(ErrorCode.TIMEOUT, `no join or resume within ${seconds} s; connect again`),
    );
    this.close(CloseCode.POLICY_VIOLATION, 'no join or resume in time');
  }
}
