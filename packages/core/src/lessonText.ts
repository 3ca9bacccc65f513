// How a lesson's text and its translations are cut into aligned lines: shared by the server's
// translation memory and the teacher's preview in the element, so both count the same way.

/** A BCP 47 language tag as Cosmo takes them: `es`, `zh`, `zh-Hans`, `pt-BR`. */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** True when `tag` is a BCP 47 language tag as Cosmo takes them. */
export function isLanguageTag(tag: string): boolean {
  return LANGUAGE_TAG.test(tag);
}

/**
 * The lesson's sentences as the teacher wrote them: a sentence ends at a line break, at `.`, `!`,
 * `?` or `…` followed by a space (so "3.5" stays whole), or after `。`, `！`, `？`; pieces with no
 * letter or digit are dropped.
 */
export function splitLessonSentences(text: string): string[] {
  return text
    .split(/\n|(?<=[.!?…])\s+|(?<=[。！？])/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** A language's translation lines, one per lesson sentence: the text's lines, blank ones ignored. */
export function splitTranslationLines(text: string): string[] {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}
