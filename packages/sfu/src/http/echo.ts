/**
 * Characters an answer never repeats: control characters (NUL, line breaks, escapes), lone
 * surrogates, and the bidi formatting characters that reorder the text after them (U+202E makes
 * `exe.txt` read as `txt.exe`).
 */
const UNPRINTABLE = /[\p{Cc}\p{Cs}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** How many characters of a request's input an answer repeats at most. */
export const ECHO_MAX_CHARS = 64;

/** The longest error message an answer carries (messages the school builds may quote input). */
const MESSAGE_MAX_CHARS = 240;

/** `s` without unprintable characters, cut to `max` characters (code points) with an ellipsis. */
function clip(s: string, max: number): string {
  const chars = Array.from(s.replace(UNPRINTABLE, ''));
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : chars.join('');
}

/**
 * A piece of a request (a path, an id, a method) as an error message may quote it: printable,
 * and at most ECHO_MAX_CHARS long.
 */
export const echo = (input: string): string => clip(input, ECHO_MAX_CHARS);

/**
 * An error message as it goes out: one printable line of bounded length, whatever input its
 * maker quoted.
 */
export const safeMessage = (message: string): string => clip(message, MESSAGE_MAX_CHARS);
