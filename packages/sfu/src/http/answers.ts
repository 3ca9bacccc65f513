import { ErrorCode, toCosmoError } from '@cosmo/core';
import { safeMessage } from './echo.js';
import type { HttpAnswer, HttpDecision, HttpRequest } from './types.js';

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

/**
 * An error as JSON `{ code, message }` with the matching HTTP status (500 for the unexpected);
 * the message made safe to show (see `safeMessage`).
 */
export function errorAnswer(err: unknown): HttpAnswer {
  const e = toCosmoError(err);
  const wire = e.toWire();
  return jsonAnswer(STATUS_OF[e.code] ?? 500, { ...wire, message: safeMessage(wire.message) });
}

/** A refusal as JSON `{ code, message }` with a status the route chooses itself. */
export function refusalAnswer(status: number, code: ErrorCode, message: string): HttpAnswer {
  return jsonAnswer(status, { code, message: safeMessage(message) });
}

/** The 429 for an address or person over its allowance, with when to try again. */
export function rateLimitedAnswer(message: string): HttpAnswer {
  return {
    ...refusalAnswer(429, ErrorCode.RATE_LIMITED, message),
    headers: { 'retry-after': '1' },
  };
}

/** Plain-text answers for errors. */
export function textAnswer(status: number, text: string): HttpAnswer {
  return { status, contentType: 'text/plain; charset=utf-8', body: text + '\n' };
}

/** The 413 for a body over `maxBytes`. */
export function tooLargeAnswer(maxBytes: number): HttpAnswer {
  const size =
    maxBytes >= 1024 * 1024 ? `${maxBytes / 1024 / 1024} MB` : `${Math.ceil(maxBytes / 1024)} KB`;
  return refusalAnswer(
    413,
    ErrorCode.INVALID_ARGUMENT,
    maxBytes === 0 ? 'this request takes no body' : `the body is larger than ${size}`,
  );
}

/** The decision of a route that reads no body. */
export function bodiless(handle: (req: HttpRequest) => Promise<HttpAnswer>): HttpDecision {
  return { body: { maxBytes: 0 }, handle };
}
