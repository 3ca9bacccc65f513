import parseRange from 'range-parser';
import type { HttpAnswer } from './types.js';

/**
 * The answer serving a file of `size` bytes for a request's `Range` header (RFC 9110): 206 with
 * the range when it asks for one, 416 when it asks only for bytes past the end, 200 with the
 * whole file otherwise (no header, or one that is malformed or not in bytes, which a server
 * ignores). A request for several ranges gets the first (merged with those it overlaps): players
 * ask for one at a time, and a multipart answer would be parsed by none of them.
 */
export function fileRangeAnswer(
  path: string,
  size: number,
  range: string | undefined,
  contentType: string,
  headers: Record<string, string>,
): HttpAnswer {
  const base = { contentType, body: '', headers: { ...headers, 'accept-ranges': 'bytes' } };
  const ranges = range ? parseRange(size, range, { combine: true }) : -2;
  if (ranges === -1) {
    return {
      ...base,
      status: 416,
      headers: { ...base.headers, 'content-range': `bytes */${size}` },
    };
  }
  if (ranges !== -2 && ranges.type === 'bytes' && ranges.length > 0) {
    const { start, end } = ranges[0]!;
    return {
      ...base,
      status: 206,
      headers: { ...base.headers, 'content-range': `bytes ${start}-${end}/${size}` },
      file: { path, start, end },
    };
  }
  return { ...base, status: 200, file: { path, start: 0, end: size - 1 } };
}
