import { cosmo } from './gen/proto.js';
import { ProtocolError } from './errors.js';
import { parseJsonWellFormed } from './text.js';

const { ClientFrame: ClientFrameMessage, ServerFrame: ServerFrameMessage } = cosmo.v1;

/** The name of a request kind, e.g. `'join'`. */
export type ClientRequestKind = NonNullable<cosmo.v1.ClientFrame['request']>;
/** A decoded client-to-server frame: a non-zero `id`, and `request` names the oneof member set. */
export type ClientFrame = cosmo.v1.ClientFrame.$Shape & { id: number; request: ClientRequestKind };
/** What a client passes to encode a frame. */
export type ClientFrameInit = cosmo.v1.ClientFrame.$Properties;
/** The name of a response or event kind, e.g. `'participantJoined'`. */
export type ServerBodyKind = NonNullable<cosmo.v1.ServerFrame['body']>;
/** A decoded server-to-client frame; `body` names the oneof member set. */
export type ServerFrame = cosmo.v1.ServerFrame.$Shape & {
  requestId: number;
  seq: number;
  body: ServerBodyKind;
};
/** What the server passes to encode a frame. */
export type ServerFrameInit = cosmo.v1.ServerFrame.$Properties;
/** Limits applied while decoding untrusted input. */
export interface DecodeOptions {
  /** Frames longer than this many bytes are refused before parsing. */
  maxBytes?: number;
}

/** Default limit for client frames: far above any real request, far below a memory problem. */
export const DEFAULT_MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** Default limit for server frames, which carry participant lists of large classes. */
export const DEFAULT_MAX_SERVER_FRAME_BYTES = 4 * 1024 * 1024;

/** Encodes a client frame to its binary wire form. */
export function encodeClientFrame(frame: ClientFrameInit): Uint8Array {
  return ClientFrameMessage.encode(frame).finish();
}

/** Encodes a server frame to its binary wire form. */
export function encodeServerFrame(frame: ServerFrameInit): Uint8Array {
  return ServerFrameMessage.encode(frame).finish();
}

/**
 * An event for many recipients, encoded once per wire form. Each recipient's frame differs only in
 * its `seq`, so the body is encoded once and each frame is the recipient's `seq` field followed by
 * the shared body: a protobuf parser merges concatenated messages, and the JSON form is spliced.
 */
export class SharedServerEvent {
  readonly body: Omit<ServerFrameInit, 'seq' | 'requestId'>;
  #binary: Uint8Array | undefined;
  #json: string | undefined;

  constructor(body: Omit<ServerFrameInit, 'seq' | 'requestId'>) {
    this.body = body;
  }

  /** The binary frame with `seq` (0 = unnumbered). */
  binary(seq: number): Uint8Array {
    this.#binary ??= encodeServerFrame(this.body);
    if (!seq) return this.#binary;
    const head = encodeServerFrame({ seq });
    const frame = new Uint8Array(head.length + this.#binary.length);
    frame.set(head);
    frame.set(this.#binary, head.length);
    return frame;
  }

  /** The JSON frame with `seq` (0 = unnumbered). */
  json(seq: number): string {
    this.#json ??= encodeServerFrameJson(this.body);
    if (!seq) return this.#json;
    return this.#json === '{}' ? `{"seq":${seq}}` : `{"seq":${seq},${this.#json.slice(1)}`;
  }
}

/**
 * Decodes untrusted bytes from a client. Returns a frame with a non-zero id and a request, or
 * throws `ProtocolError` (code `BAD_FRAME`); it never throws anything else.
 */
export function decodeClientFrame(bytes: Uint8Array, options: DecodeOptions = {}): ClientFrame {
  checkSize(bytes.byteLength, options.maxBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES);
  const frame = guard(() => ClientFrameMessage.decode(bytes));
  return checkClientFrame(frame);
}

/**
 * Decodes untrusted bytes from a server. Returns a frame with a body, or throws `ProtocolError`
 * (code `BAD_FRAME`); it never throws anything else.
 */
export function decodeServerFrame(bytes: Uint8Array, options: DecodeOptions = {}): ServerFrame {
  checkSize(bytes.byteLength, options.maxBytes ?? DEFAULT_MAX_SERVER_FRAME_BYTES);
  const frame = guard(() => ServerFrameMessage.decode(bytes));
  return checkServerFrame(frame);
}

// The JSON form: protobuf's JSON-like object mapping (enums as names), for debugging, logs and the
// bench's baseline transport.

// Bytes (board messages) as base64, as protobuf JSON writes them.
const jsonOptions = {
  enums: String,
  bytes: String,
  oneofs: false,
  defaults: false,
  json: true,
} as const;

/** Encodes a client frame as JSON text. */
export function encodeClientFrameJson(frame: ClientFrameInit): string {
  const message = ClientFrameMessage.fromObject(frame);
  return JSON.stringify(ClientFrameMessage.toObject(message, jsonOptions));
}

/** Encodes a server frame as JSON text. */
export function encodeServerFrameJson(frame: ServerFrameInit): string {
  const message = ServerFrameMessage.fromObject(frame);
  return JSON.stringify(ServerFrameMessage.toObject(message, jsonOptions));
}

/** Decodes untrusted JSON text from a client; the same guarantees as `decodeClientFrame`. */
export function decodeClientFrameJson(text: string, options: DecodeOptions = {}): ClientFrame {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES;
  checkSize(jsonSize(text, maxBytes), maxBytes);
  const frame = guard(() => ClientFrameMessage.fromObject(parseObject(text)));
  return checkClientFrame(frame as cosmo.v1.ClientFrame.$Shape);
}

/** Decodes untrusted JSON text from a server; the same guarantees as `decodeServerFrame`. */
export function decodeServerFrameJson(text: string, options: DecodeOptions = {}): ServerFrame {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SERVER_FRAME_BYTES;
  checkSize(jsonSize(text, maxBytes), maxBytes);
  const frame = guard(() => ServerFrameMessage.fromObject(parseObject(text)));
  return checkServerFrame(frame as cosmo.v1.ServerFrame.$Shape);
}

/**
 * The id and the request's field number at the head of a binary client frame, read without
 * decoding the rest (to answer a frame too large to decode under its id). Undefined when the
 * frame does not start with them, as every encoder writes them.
 */
export function clientFrameHead(bytes: Uint8Array): { id: number; field: number } | undefined {
  let at = 0;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 35 && at < bytes.length; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return undefined;
  };
  // Field 1 (the id), varint: tag 0x08.
  if (varint() !== 0x08) return undefined;
  const id = varint();
  const tag = varint();
  if (!id || id > 0xffffffff || tag === undefined || (tag & 7) !== 2) return undefined;
  return { id, field: Math.floor(tag / 8) };
}

/** The field number of a request kind in `ClientFrame` (what `clientFrameHead` reads). */
export function requestField(kind: ClientRequestKind): number {
  return clientFrameHead(encodeClientFrame({ id: 1, [kind]: {} }))!.field;
}

function checkSize(length: number, maxBytes: number): void {
  if (length === 0) throw new ProtocolError('empty frame');
  if (length > maxBytes) {
    throw new ProtocolError(`frame of ${length} bytes exceeds the limit of ${maxBytes} bytes`);
  }
}

function checkClientFrame(frame: cosmo.v1.ClientFrame.$Shape): ClientFrame {
  if (!frame.request) throw new ProtocolError('frame carries no known request');
  if (!frame.id) throw new ProtocolError('request id must be a non-zero integer');
  return frame as ClientFrame;
}

function checkServerFrame(frame: cosmo.v1.ServerFrame.$Shape): ServerFrame {
  if (!frame.body) throw new ProtocolError('frame carries no known response or event');
  // Zero-valued scalars are prototype defaults after decoding; make them plain numbers.
  return Object.assign(frame, {
    requestId: frame.requestId ?? 0,
    seq: frame.seq ?? 0,
  }) as ServerFrame;
}

function parseObject(text: string): Record<string, unknown> {
  const value = parseJsonWellFormed(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('a JSON frame must be an object');
  }
  return value as Record<string, unknown>;
}

function guard<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProtocolError(`malformed frame: ${reason}`, { cause: err });
  }
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** UTF-8 length of untrusted text, without encoding text that is over the limit anyway. */
function jsonSize(text: string, maxBytes: number): number {
  // UTF-8 never takes fewer bytes than UTF-16 code units.
  return text.length > maxBytes ? text.length : utf8Length(text);
}
