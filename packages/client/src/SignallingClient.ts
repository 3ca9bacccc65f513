import {
  CosmoError,
  EVENT_ACK_INTERVAL,
  ErrorCode,
  TypedEmitter,
  decodeServerFrame,
  decodeServerFrameJson,
  encodeClientFrame,
  encodeClientFrameJson,
  type ClientFrameInit,
  type ClientRequestKind,
  type ServerFrame,
} from '@cosmo/core';

/** The subset of the WHATWG WebSocket that the client uses (browsers, or `ws` in Node). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly protocol: string;
  send(data: Uint8Array | string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: never) => void,
  ): void;
}

/** A WebSocket constructor (the global one in browsers, `ws`'s in Node). */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** Options of a signalling connection. */
export interface SignallingClientOptions {
  /** The server's WebSocket URL, e.g. `wss://cosmo.school.example/ws`. */
  url: string;
  /** Defaults to `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Binary protobuf (default) or the JSON form. */
  format?: 'binary' | 'json';
  /** A request not answered within this time fails with `TIMEOUT`. */
  requestTimeoutMs?: number;
  /** Fails `connect()` with `TIMEOUT` when the socket is not open by then. */
  connectTimeoutMs?: number;
}

/** Signalling events. */
export type SignallingClientEvents = {
  /** A server event (not a response): `frame.body` names it. */
  event: [frame: ServerFrame];
  /** The socket closed. */
  closed: [code: number, reason: string];
};

interface Pending {
  resolve: (frame: ServerFrame) => void;
  reject: (err: CosmoError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

/**
 * One signalling WebSocket: numbered requests matched to their responses, server events
 * delivered in order. Knows nothing about classrooms; `CosmoClient` builds on it.
 */
export class SignallingClient extends TypedEmitter<SignallingClientEvents> {
  readonly #ws: WebSocketLike;
  readonly #format: 'binary' | 'json';
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  /**
   * The most bytes a request of each kind may take (the server's limits): a larger one fails with
   * INVALID_ARGUMENT (reason `LESSON_TOO_LARGE` for a lesson) or BAD_FRAME, unsent.
   */
  frameLimit: ((kind: ClientRequestKind) => number) | undefined;
  /** The newest event handled, and the newest the server was told about. */
  #handledSeq = 0;
  #ackedSeq = 0;

  private constructor(ws: WebSocketLike, options: SignallingClientOptions) {
    super();
    this.#ws = ws;
    this.#format = options.format ?? 'binary';
    this.#timeoutMs = options.requestTimeoutMs ?? 15_000;
    ws.addEventListener('message', (e: { data: ArrayBuffer | string }) => this.#onMessage(e.data));
    // A socket error is always followed by close, which is where it is handled; in Node (ws) an
    // error event without a listener would crash the process.
    ws.addEventListener('error', () => undefined);
    ws.addEventListener('close', (e: { code: number; reason: string }) =>
      this.#onClose(e.code, e.reason),
    );
  }

  /** Opens the socket; rejects with `CLOSED` or `TIMEOUT` when it cannot. */
  static connect(options: SignallingClientOptions): Promise<SignallingClient> {
    const Ctor =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new TypeError('no WebSocket implementation: pass options.WebSocket');
    const protocol = options.format === 'json' ? 'cosmo.v1.json' : 'cosmo.v1';
    const ws = new Ctor(options.url, [protocol]);
    ws.binaryType = 'arraybuffer';
    const client = new SignallingClient(ws, options);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.close();
        reject(new CosmoError(ErrorCode.TIMEOUT, `could not reach ${options.url}`));
      }, options.connectTimeoutMs ?? 10_000);
      ws.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      ws.addEventListener('close', () => {
        clearTimeout(timer);
        reject(new CosmoError(ErrorCode.CLOSED, `could not connect to ${options.url}`));
      });
    });
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a request and resolves with its response. A server error rejects with a CosmoError
   * carrying the server's code.
   */
  request<K extends ClientRequestKind>(
    kind: K,
    body: NonNullable<ClientFrameInit[K]>,
  ): Promise<ServerFrame> {
    if (this.#closed)
      return Promise.reject(new CosmoError(ErrorCode.CLOSED, 'the connection is closed'));
    const id = this.#nextId++;
    const frame = { id, [kind]: body } as ClientFrameInit;
    const data =
      this.#format === 'binary' ? encodeClientFrame(frame) : encodeClientFrameJson(frame);
    const size = typeof data === 'string' ? new TextEncoder().encode(data).length : data.length;
    const max = this.frameLimit?.(kind);
    if (max && size > max) return Promise.reject(tooLarge(kind, size, max));
    return new Promise<ServerFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new CosmoError(ErrorCode.TIMEOUT, `no answer to ${kind} within ${this.#timeoutMs} ms`),
        );
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#ws.send(data);
    });
  }

  /** Sends raw bytes or text, bypassing the codec (for tests and tools). */
  sendRaw(data: Uint8Array | string): void {
    if (this.#ws.readyState === OPEN) this.#ws.send(data);
  }

  /** Closes the socket; pending requests fail with `CLOSED`. */
  close(code = 1000, reason = 'client closed'): void {
    if (this.#closed) return;
    this.#ws.close(code, reason);
    this.#onClose(code, reason);
  }

  #onMessage(data: ArrayBuffer | string): void {
    let frame: ServerFrame;
    try {
      frame =
        typeof data === 'string'
          ? decodeServerFrameJson(data)
          : decodeServerFrame(new Uint8Array(data));
    } catch {
      // A server bug, not the user's problem: keep the connection.
      return;
    }
    if (frame.requestId) {
      const pending = this.#pending.get(frame.requestId);
      if (!pending) return;
      this.#pending.delete(frame.requestId);
      clearTimeout(pending.timer);
      if (frame.body === 'error') pending.reject(CosmoError.fromWire(frame.error));
      else pending.resolve(frame);
      return;
    }
    this.safeEmit('event', frame);
    if (frame.seq) this.#acknowledge(frame.seq);
  }

  /** Tells the server, every EVENT_ACK_INTERVAL events, which it no longer needs to keep. */
  #acknowledge(seq: number): void {
    this.#handledSeq = Math.max(this.#handledSeq, seq);
    if (this.#handledSeq - this.#ackedSeq < EVENT_ACK_INTERVAL) return;
    this.#ackedSeq = this.#handledSeq;
    // Best effort: a lost ack only means the server keeps a few more events.
    this.request('ackEvents', { lastSeq: this.#ackedSeq }).catch(() => undefined);
  }

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(
        new CosmoError(
          ErrorCode.CLOSED,
          `the connection closed (${code}${reason ? `: ${reason}` : ''})`,
        ),
      );
    }
    this.#pending.clear();
    this.safeEmit('closed', code, reason);
  }
}

/** The error of a request larger than the server takes, as the server would answer it. */
function tooLarge(kind: ClientRequestKind, size: number, max: number): CosmoError {
  if (kind !== 'setLesson')
    return new CosmoError(
      ErrorCode.BAD_FRAME,
      `${kind} of ${size} bytes exceeds the limit of ${max} bytes`,
    );
  return new CosmoError(
    ErrorCode.INVALID_ARGUMENT,
    `the lesson with its glossary and translations is ${size} bytes; the server takes at most ${max}`,
    { reason: 'LESSON_TOO_LARGE', params: { size: String(size), max: String(max) } },
  );
}
