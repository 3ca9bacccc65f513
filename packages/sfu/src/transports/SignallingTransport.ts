import { ErrorCode, toCosmoError } from '@cosmo/core';
import type { SignallingSocket, WireFormat } from '../Connection.js';
import { SUBPROTOCOLS } from '../Connection.js';

/** What the routes see of an HTTP request before its body: enough to refuse it or say how to read it. */
export interface HttpRequestHead {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The client's address (the proxy's last `X-Forwarded-For` entry with `trustProxy`). */
  remoteAddress: string;
}

/** An admitted HTTP request with its body. */
export interface HttpRequest extends HttpRequestHead {
  /** The body, when its route keeps it in memory (empty otherwise). */
  body: Uint8Array;
  /** The temporary file holding the body, when its route streams it to disk; deleted after the answer. */
  bodyFile?: string;
}

/** How a route takes a request's body. */
export interface BodyRule {
  /** The most bytes the body may have; a larger one is refused with 413 (0: no body at all). */
  maxBytes: number;
  /** Streams the body to a temporary file instead of memory (uploads). */
  toFile?: boolean;
}

/**
 * What the routes decide from a request's head, before any of its body is kept: an answer now
 * (the body is never read), or the rule for its body and what to do once it is in.
 */
export type HttpDecision =
  { answer: HttpAnswer } | { body: BodyRule; handle(request: HttpRequest): Promise<HttpAnswer> };

/** An HTTP answer. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

const STATUS_OF: Partial<Record<string, number>> = {
  [ErrorCode.NOT_AUTHORIZED]: 401,
  [ErrorCode.PERMISSION_DENIED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.INVALID_ARGUMENT]: 400,
  [ErrorCode.INVALID_STATE]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UNAVAILABLE]: 503,
};

/** A JSON answer. */
export function jsonAnswer(status: number, value: unknown): HttpAnswer {
  return { status, contentType: 'application/json', body: JSON.stringify(value) + '\n' };
}

/** An error as JSON `{ code, message }` with the matching HTTP status (500 for the unexpected). */
export function errorAnswer(err: unknown): HttpAnswer {
  const e = toCosmoError(err);
  return jsonAnswer(STATUS_OF[e.code] ?? 500, e.toWire());
}

/** Plain-text answers for errors. */
export function textAnswer(status: number, text: string): HttpAnswer {
  return { status, contentType: 'text/plain; charset=utf-8', body: text + '\n' };
}

/** The 413 for a body over `maxBytes`. */
export function tooLargeAnswer(maxBytes: number): HttpAnswer {
  const size =
    maxBytes >= 1024 * 1024 ? `${maxBytes / 1024 / 1024} MB` : `${Math.ceil(maxBytes / 1024)} KB`;
  return jsonAnswer(413, {
    code: ErrorCode.INVALID_ARGUMENT,
    message: maxBytes === 0 ? 'this request takes no body' : `the body is larger than ${size}`,
  });
}

/** What the server gives a transport: callbacks per socket, plus the HTTP routes. */
export interface SignallingHandlers<S> {
  /** A socket opened on /ws; returns the per-socket state the transport hands back later. */
  open(socket: SignallingSocket, format: WireFormat): S;
  /** A message arrived. `data` is only valid during the call. */
  message(state: S, data: Uint8Array, isBinary: boolean): void;
  /** The socket closed, for whatever reason. */
  close(state: S, code: number): void;
  /**
   * A WebSocket upgrade arrived on /ws: an answer refuses it (the socket never opens), undefined
   * lets it through.
   */
  upgrade(head: HttpRequestHead): HttpAnswer | undefined;
  /** Decides an HTTP request (other than the upgrade) from its head; see `HttpDecision`. */
  http(head: HttpRequestHead): Promise<HttpDecision>;
}

/** Where the socket listens, and how big a message may be before the transport drops the socket. */
export interface ListenOptions {
  host: string;
  port: number;
  /** Messages above this are refused by the transport itself (the codec refuses smaller ones). */
  maxPayloadBytes: number;
  /** Bytes a socket may have queued before the transport refuses more. */
  maxBackpressureBytes: number;
  /** Take the client's address from `X-Forwarded-For` (set by a proxy in front of the server). */
  trustProxy: boolean;
  /** Where bodies bound for a file are streamed; emptied of old uploads on listen. */
  uploadDir: string;
}

/** A WebSocket + HTTP server implementation: uWebSockets.js or ws. */
export interface SignallingTransport {
  readonly name: 'uws' | 'ws';
  /** Starts listening; resolves with the bound port. */
  listen<S>(options: ListenOptions, handlers: SignallingHandlers<S>): Promise<number>;
  /** Stops listening and closes every socket. */
  close(): Promise<void>;
}

/** Picks the wire format from the client's offered subprotocols; returns the one to echo. */
export function negotiateSubprotocol(offered: string): { format: WireFormat; protocol: string } {
  const list = offered
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.includes(SUBPROTOCOLS.json)) return { format: 'json', protocol: SUBPROTOCOLS.json };
  if (list.includes(SUBPROTOCOLS.binary))
    return { format: 'binary', protocol: SUBPROTOCOLS.binary };
  return { format: 'binary', protocol: '' };
}
