import { ErrorCode } from '@cosmo/core';
import parseRange from 'range-parser';
import { refusalAnswer } from './answers.js';
import type { HttpAnswer } from './types.js';

/** A file to serve, as `stat` found it. */
export interface ServedFile {
  path: string;
  size: number;
  /** Its last modification, in Unix nanoseconds. */
  mtimeNs: bigint;
}

/** How a file is answered. */
export interface FileAnswerOptions {
  contentType: string;
  /** Headers of every answer about the file (cache-control, CORS…). */
  headers: Record<string, string>;
  /** The Content-Disposition of an answer that carries the file (never of a 304 or a 416). */
  disposition?: string;
  /** Honour `Range` (206 and 416); otherwise the file is always answered whole. */
  ranges: boolean;
}

/**
 * The file's validators. The ETag is strong: a published file is written whole before it is
 * served and never rewritten in place, so size and a nanosecond mtime change with every new
 * content (nginx's rule, at a finer grain) — and only a strong one may be used with If-Range.
 */
export function fileValidators(file: ServedFile): { etag: string; lastModified: string } {
  return {
    etag: `"${file.size.toString(16)}-${file.mtimeNs.toString(16)}"`,
    lastModified: new Date(Number(file.mtimeNs / 1_000_000n)).toUTCString(),
  };
}

/** The entity tags of an If-None-Match or If-Range value. */
const ENTITY_TAGS = /(?:W\/)?"[^"]*"/g;
/** An entity tag without its weakness mark (for the weak comparison). */
const opaque = (tag: string) => tag.replace(/^W\//, '');
/** An HTTP-date as Unix ms, or undefined when it is none. */
function httpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Whether the client's copy is current (RFC 9110 §13.1.2–3): If-None-Match by the weak
 * comparison (`*` is any copy), else If-Modified-Since to the second.
 */
function notModified(request: Record<string, string>, etag: string, modifiedMs: number): boolean {
  const noneMatch = request['if-none-match'];
  if (noneMatch !== undefined) {
    return (
      noneMatch.trim() === '*' ||
      (noneMatch.match(ENTITY_TAGS) ?? []).some((t) => opaque(t) === etag)
    );
  }
  const since = httpDate(request['if-modified-since']);
  return since !== undefined && modifiedMs <= since;
}

/**
 * Whether a Range still applies under If-Range (RFC 9110 §13.1.5): an entity tag matches by the
 * strong comparison (a weak one never does), a date when it is exactly the Last-Modified.
 */
function rangeStillApplies(ifRange: string | undefined, etag: string, modifiedMs: number): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return httpDate(value) === modifiedMs;
}

/**
 * The first range asked for, merged with every range that overlaps or adjoins it (directly or
 * through others): range-parser's own merging may reorder which comes first.
 */
function firstRangeMerged(ranges: parseRange.Ranges): { start: number; end: number } {
  const first = ranges[0]!;
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let { start, end } = sorted[0]!;
  for (const r of sorted.slice(1)) {
    if (r.start <= end + 1) end = Math.max(end, r.end);
    else if (first.start >= start && first.start <= end) break;
    else ({ start, end } = r);
  }
  return { start, end };
}

/**
 * The answer serving a file to a GET or HEAD (RFC 9110), with its ETag and Last-Modified: 304 when
 * the client's copy is current (If-None-Match, If-Modified-Since); with `ranges`, 206 with the
 * range a `Range` header asks for (unless If-Range names another version of the file, when the
 * whole file comes with 200), and 416 (JSON, like every error) when it asks only for bytes past
 * the end; 200 with the whole file otherwise (a malformed Range, or one not in bytes, is ignored).
 * A request for several ranges gets the first, merged with those it overlaps or adjoins: players
 * ask for one at a time, and a multipart answer would be parsed by none of them.
 */
export function fileAnswer(
  file: ServedFile,
  request: Record<string, string>,
  options: FileAnswerOptions,
): HttpAnswer {
  const { etag, lastModified } = fileValidators(file);
  const modifiedMs = Date.parse(lastModified);
  const headers: Record<string, string> = {
    ...options.headers,
    etag,
    'last-modified': lastModified,
    ...(options.ranges && { 'accept-ranges': 'bytes' }),
  };
  if (notModified(request, etag, modifiedMs))
    return { status: 304, contentType: options.contentType, body: '', headers };

  const whole = {
    status: 200,
    contentType: options.contentType,
    body: '',
    headers: {
      ...headers,
      ...(options.disposition && { 'content-disposition': options.disposition }),
    },
    file: { path: file.path, start: 0, end: file.size - 1 },
  };
  const range = request['range'];
  if (!options.ranges || range === undefined) return whole;
  if (!rangeStillApplies(request['if-range'], etag, modifiedMs)) return whole;
  if (!/^\s*bytes\s*=/i.test(range)) return whole;
  const ranges = parseRange(file.size, range);
  if (ranges === -2) return whole;
  if (ranges === -1) {
    const refusal = refusalAnswer(
      416,
      ErrorCode.INVALID_ARGUMENT,
      `the range asks only for bytes past the end of the file (${file.size} bytes)`,
    );
    return { ...refusal, headers: { ...headers, 'content-range': `bytes */${file.size}` } };
  }
  const { start, end } = firstRangeMerged(ranges);
  return {
    ...whole,
    status: 206,
    headers: { ...whole.headers, 'content-range': `bytes ${start}-${end}/${file.size}` },
    file: { path: file.path, start, end },
  };
}
