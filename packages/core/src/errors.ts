/**
 * Stable error codes. They travel over the wire in `Error.code` and never change meaning; clients
 * branch on them, people read the message.
 */
export const ErrorCode = {
  /** A frame that is not a valid protocol message (bytes, size, or shape). */
  BAD_FRAME: 'BAD_FRAME',
  /** Missing, expired, tampered or wrong-room token. */
  NOT_AUTHORIZED: 'NOT_AUTHORIZED',
  /** The caller's role or grants do not allow this action. */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** A referenced object (participant, producer, transport, notice…) does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The request does not fit the current state (e.g. consuming before joining). */
  INVALID_STATE: 'INVALID_STATE',
  /** A field's value is out of range or malformed. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The classroom is full or locked. */
  ROOM_FULL: 'ROOM_FULL',
  ROOM_LOCKED: 'ROOM_LOCKED',
  /** The class was ended by its teacher; a moderator may start it again (join with `reopen`). */
  CLASS_ENDED: 'CLASS_ENDED',
  /** Too many requests from one connection, person or address. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The client speaks a protocol version the server does not. */
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  /** A speech or translation model is not installed, or is damaged. */
  MODEL_MISSING: 'MODEL_MISSING',
  MODEL_INVALID: 'MODEL_INVALID',
  /** A required engine or binary is not available on this server. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** The request did not complete in time. */
  TIMEOUT: 'TIMEOUT',
  /**
   * Audio and video cannot get through this network (the media ports and every TURN route are
   * blocked); said by the client, while signalling (chat, captions, notices) still works.
   */
  MEDIA_UNREACHABLE: 'MEDIA_UNREACHABLE',
  /** The connection or object was closed while the request was in flight. */
  CLOSED: 'CLOSED',
  /** Something failed on the server; details are in its log, not in the message. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the stable error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const knownCodes = new Set<string>(Object.values(ErrorCode));

/** True when `code` is one of the stable error codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return knownCodes.has(code);
}

/** Which refusal, where a code covers several, and its values: for a message in the UI language. */
export interface ErrorReason {
  /** Stable, e.g. `'LINES_MISMATCH'` (an INVALID_ARGUMENT of setLesson). */
  reason?: string;
  /** The values a message names, by name: `{ language: 'ja', lines: '4', sentences: '5' }`. */
  params?: Record<string, string>;
}

/** The wire form of an error. */
export interface WireError {
  code: ErrorCode;
  message: string;
  reason?: string;
  params?: Record<string, string>;
}

/** Base of every Cosmo error: a stable `code` plus a one-line human message. */
export class CosmoError extends Error {
  /** Stable machine-readable code; also sent to clients. */
  readonly code: ErrorCode;
  /** Which refusal of its code this is (stable), when the code covers several. */
  readonly reason: string | undefined;
  /** The values the message names, for a client to say it in its own language. */
  readonly params: Readonly<Record<string, string>> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown } & ErrorReason) {
    super(message, options);
    this.name = 'CosmoError';
    this.code = code;
    this.reason = options?.reason || undefined;
    this.params = options?.params;
  }

  /** The wire form of this error: code and message (and reason), never a stack. */
  toWire(): WireError {
    return {
      code: this.code,
      message: this.message,
      ...(this.reason && { reason: this.reason }),
      ...(this.params && { params: { ...this.params } }),
    };
  }

  /** Rebuilds an error received over the wire; an unknown code becomes `INTERNAL`. */
  static fromWire(wire: {
    code?: string | null;
    message?: string | null;
    reason?: string | null;
    params?: Record<string, string> | null;
  }): CosmoError {
    const code = wire.code && isErrorCode(wire.code) ? wire.code : ErrorCode.INTERNAL;
    const message = wire.message || code;
    const details: ErrorReason = {
      ...(wire.reason && { reason: wire.reason }),
      ...(wire.reason && wire.params && { params: { ...wire.params } }),
    };
    switch (code) {
      case ErrorCode.BAD_FRAME:
        return new ProtocolError(message);
      case ErrorCode.PERMISSION_DENIED:
        return new PermissionError(message, details);
      case ErrorCode.NOT_FOUND:
        return new NotFoundError(message, details);
      case ErrorCode.INVALID_STATE:
        return new InvalidStateError(message, details);
      default:
        return new CosmoError(code, message, details);
    }
  }
}

/** Bytes or JSON that do not decode into a valid protocol message. */
export class ProtocolError extends CosmoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BAD_FRAME, message, options);
    this.name = 'ProtocolError';
  }
}

/** The caller is not allowed to do this. */
export class PermissionError extends CosmoError {
  constructor(message: string, details?: ErrorReason) {
    super(ErrorCode.PERMISSION_DENIED, message, details);
    this.name = 'PermissionError';
  }
}

/** A referenced object does not exist. */
export class NotFoundError extends CosmoError {
  constructor(message: string, details?: ErrorReason) {
    super(ErrorCode.NOT_FOUND, message, details);
    this.name = 'NotFoundError';
  }
}

/** The action does not fit the object's current state (closed, not joined, …). */
export class InvalidStateError extends CosmoError {
  constructor(message: string, details?: ErrorReason) {
    super(ErrorCode.INVALID_STATE, message, details);
    this.name = 'InvalidStateError';
  }
}

/** Turns anything thrown into a CosmoError safe to send: unknown errors become `INTERNAL`. */
export function toCosmoError(err: unknown): CosmoError {
  if (err instanceof CosmoError) return err;
  return new CosmoError(ErrorCode.INTERNAL, 'internal server error', { cause: err });
}
