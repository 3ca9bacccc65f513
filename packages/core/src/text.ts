/** A lone UTF-16 surrogate: a high one not followed by a low one, or a low one without a high. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A JSON `\u` escape of a surrogate: the only way JSON text decoded from UTF-8 can hold a lone one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * `text` with every lone UTF-16 surrogate replaced by U+FFFD. Such a string has no UTF-8 form:
 * protobuf would write invalid UTF-8 that clients then drop, so untrusted text is repaired at
 * the door, as `TextDecoder` repairs invalid UTF-8.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** `JSON.parse` of untrusted text whose strings (keys and values) are then well formed. */
export function parseJsonWellFormed(text: string): unknown {
  // Text decoded from UTF-8 holds no lone surrogate unless an escape wrote one: skip the reviver
  // (which costs a call per value) for the frames that have none.
  if (!SURROGATE_ESCAPE.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'string' ? wellFormed(value) : value,
  );
}
