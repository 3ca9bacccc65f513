// How a lesson's text and its translations are cut into aligned lines: shared by the server's
// translation memory and the teacher's preview in the element, so both count the same way.

/** A BCP 47 language tag as Cosmo takes them: `es`, `zh`, `zh-Hans`, `pt-BR`. */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** True when `tag` is a BCP 47 language tag as Cosmo takes them (in any case: `ZH` is `zh`). */
export function isLanguageTag(tag: string): boolean {
  return canonicalLanguageTag(tag) !== undefined;
}

/**
 * A tag in its canonical form (`ZH` → `zh`, `zh-hans-cn` → `zh-Hans-CN`, by the platform's
 * `Intl.getCanonicalLocales`), or undefined when it is not one Cosmo takes.
 */
export function canonicalLanguageTag(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    return canonical && LANGUAGE_TAG.test(canonical) ? canonical : undefined;
  } catch {
    return undefined;
  }
}

/** The language of a tag without script or region (`zh-Hans-CN` → `zh`): what readers share. */
export function primaryLanguage(tag: string): string {
  return (canonicalLanguageTag(tag) ?? tag).split('-')[0]!.toLowerCase();
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

/** What a lesson may hold (setLesson refuses more with INVALID_ARGUMENT). */
export const LESSON_LIMITS = {
  /** Characters (UTF-16 code units) of the lesson text. */
  textChars: 100_000,
  /** Translation languages. */
  languages: 16,
  /** Characters of one language's translations. */
  translationChars: 100_000,
} as const;

/** Why a lesson is refused: the `reason` of its INVALID_ARGUMENT error. */
export type LessonReason =
  | 'LESSON_TOO_LONG'
  | 'LESSON_TOO_LARGE'
  | 'TOO_MANY_LANGUAGES'
  | 'BAD_LANGUAGE'
  | 'SPOKEN_LANGUAGE'
  | 'DUPLICATE_LANGUAGE'
  | 'TRANSLATION_TOO_LONG'
  | 'LINES_MISMATCH';

/** One thing wrong with a lesson: its reason and values (for any language), and an English line. */
export interface LessonProblem {
  reason: LessonReason;
  params: Record<string, string>;
  message: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What keeps a lesson from being taken, in order: the server refuses it with the first, and the
 * teacher's preview lists them all. Translations with no text are not given and not checked.
 */
export function lessonProblems(lesson: {
  text: string;
  language: string;
  translations: Record<string, string>;
}): LessonProblem[] {
  const problems: LessonProblem[] = [];
  const { textChars, languages, translationChars } = LESSON_LIMITS;
  if (lesson.text.length > textChars)
    problems.push({
      reason: 'LESSON_TOO_LONG',
      params: { max: String(textChars) },
      message: 'the lesson text is at most 100,000 characters',
    });
  const given = Object.entries(lesson.translations).filter(([, text]) => text.trim());
  if (given.length > languages)
    problems.push({
      reason: 'TOO_MANY_LANGUAGES',
      params: { max: String(languages) },
      message: `translations into at most ${languages} languages`,
    });
  const sentences = splitLessonSentences(lesson.text).length;
  const seen = new Set<string>();
  for (const [language, text] of given) {
    const canonical = canonicalLanguageTag(language);
    if (canonical && seen.has(canonical)) {
      problems.push({
        reason: 'DUPLICATE_LANGUAGE',
        params: { language: canonical },
        message: `the '${canonical}' translations are given twice`,
      });
      continue;
    }
    if (canonical) seen.add(canonical);
    if (!canonical) {
      problems.push({
        reason: 'BAD_LANGUAGE',
        params: { language },
        message: `translation language '${language}' is not a BCP 47 tag like "zh" or "zh-Hans"`,
      });
    } else if (primaryLanguage(canonical) === primaryLanguage(lesson.language || 'en')) {
      problems.push({
        reason: 'SPOKEN_LANGUAGE',
        params: { language },
        message: `translations are into other languages than the spoken one ('${language}')`,
      });
    } else if (text.length > translationChars) {
      problems.push({
        reason: 'TRANSLATION_TOO_LONG',
        params: { language, max: String(translationChars) },
        message: `the '${language}' translations are at most 100,000 characters`,
      });
    } else {
      const lines = splitTranslationLines(text).length;
      if (lines !== sentences)
        problems.push({
          reason: 'LINES_MISMATCH',
          params: { language, lines: String(lines), sentences: String(sentences) },
          message:
            `the '${language}' translations have ${plural(lines, 'line')}; ` +
            `the lesson has ${plural(sentences, 'sentence')} (one line per sentence, in order)`,
        });
    }
  }
  return problems;
}
