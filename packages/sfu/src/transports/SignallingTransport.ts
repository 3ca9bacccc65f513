import { ErrorCode, toCosmoError } from '@cosmo/core';
import type { SignallingSocket, WireFormat } from '../Connection.js';
import { SUBPROTOCOLS } from '../Connection.js';

/** An HTTP request to the built-in routes (health, metrics, demo API, static files). */
export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** An HTTP answer. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

/** Request bodies above this are refused with 413. */
export const MAX_HTTP_BODY_BYTES = 24 * 1024 * 1024;

const STATUS_OF: Partial<Record<string, number>> = {
  [ErrorCode.NOT_AUTHORIZED]: 401,
  [ErrorCode.PERMISSION_DENIED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.INVALID_ARGUMENT]: 400,
  [ErrorCode.INVALID_STATE]: 409,
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

/** What the server gives a transport: callbacks per socket, plus the HTTP routes. */
export interface SignallingHandlers<S> {
  /** A socket opened on /ws; returns the per-socket state the transport hands back later. */
  open(socket: SignallingSocket, format: WireFormat): S;
  /** A message arrived. `data` is only valid during the call. */
  message(state: S, data: Uint8Array, isBinary: boolean): void;
  /** The socket closed, for whatever reason. */
  close(state: S, code: number): void;
  /** Answers HTTP requests other than the WebSocket upgrade; undefined means 404. */
  http(request: HttpRequest): Promise<HttpAnswer | undefined>;
}

/** Where the socket listens, and how big a message may be before the transport drops the socket. */
export interface ListenOptions {
  host: string;
  port: number;
  /** Messages above this are refused by the transport itself (the codec refuses smaller ones). */
  maxPayloadBytes: number;
  /** Bytes a socket may have queued before the transport refuses more. */
  maxBackpressureBytes: number;
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
