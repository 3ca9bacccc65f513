import type { SignallingSocket, WireFormat } from '../Connection.js';
import { SUBPROTOCOLS } from '../Connection.js';
import type { HttpAnswer, HttpDecision, HttpRequestHead } from '../http/types.js';
import type { TlsFiles } from './tlsFiles.js';

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
  /** HTTPS and WSS with this certificate and key; plain HTTP and WS without. */
  tls?: TlsFiles | undefined;
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
