import {
  CosmoError,
  ErrorCode,
  isLanguageTag,
  splitLessonSentences,
  splitTranslationLines,
} from '@cosmo/core';
import { wordEditDistance } from './wer.js';

/** How a translation memory matches what was heard against the lesson. */
export interface TranslationMemoryOptions {
  /**
   * The most word errors, as a share of the lesson sentence's words, with which a heard sentence
   * still counts as that sentence (word error rate of the heard words against the sentence).
   */
  maxWordErrorRate: number;
}

/**
 * Measured on the captions evaluation (docs/captions.md, "Translation memory"; 4 espeak-ng voices
 * through the lesson-biased recogniser): the 28 sentences read from the lesson were heard at
 * 0–0.40 from their own line (and nearest to it); the 16 new sentences made of the lesson's words
 * were at 0.50–0.80 from the nearest line, the 48 everyday and mixed ones at 0.83–1.0. 0.45 lies in
 * the gap: two words wrong in five still match, three do not.
 */
export const TRANSLATION_MEMORY_DEFAULTS: TranslationMemoryOptions = {
  maxWordErrorRate: 0.45,
};

/** At most this many translation languages per lesson. */
export const MAX_MEMORY_LANGUAGES = 16;
/** At most this many characters in one language's translations. */
export const MAX_MEMORY_CHARS = 100_000;

/** Words as the recogniser spells them: lower case, no punctuation. */
function words(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** A heard sentence found in the lesson: which sentences (one, or two in a row) and how close. */
export interface MemoryMatch {
  /** Indexes of the lesson sentences it matched (two when one utterance ran over both). */
  sentences: number[];
  /** Word error rate of what was heard against those sentences. */
  wordErrorRate: number;
}

/**
 * A lesson's reviewed translations, line by line, and the matcher that finds a heard sentence in
 * the lesson so a reader gets the reviewed line instead of a machine translation (or none).
 */
export class TranslationMemory {
  readonly options: TranslationMemoryOptions;
  readonly #sentences: string[];
  readonly #words: string[][];
  readonly #lines = new Map<string, string[]>();

  /**
   * `translations` maps a BCP 47 tag to one line per lesson sentence. Throws `INVALID_ARGUMENT`
   * (with the language and both counts) when a language's lines do not match the sentences.
   */
  constructor(
    lessonText: string,
    spokenLanguage: string,
    translations: Record<string, string>,
    options: Partial<TranslationMemoryOptions> = {},
  ) {
    this.options = { ...TRANSLATION_MEMORY_DEFAULTS, ...options };
    this.#sentences = splitLessonSentences(lessonText);
    this.#words = this.#sentences.map(words);
    const entries = Object.entries(translations).filter(([, text]) => text.trim());
    if (entries.length > MAX_MEMORY_LANGUAGES)
      throw invalid(`translations into at most ${MAX_MEMORY_LANGUAGES} languages`);
    for (const [language, text] of entries) {
      if (!isLanguageTag(language))
        throw invalid(
          `translation language '${language}' is not a BCP 47 tag like "zh" or "zh-Hans"`,
        );
      if (language === spokenLanguage)
        throw invalid(`translations are into other languages than the spoken one ('${language}')`);
      if (text.length > MAX_MEMORY_CHARS)
        throw invalid(`the '${language}' translations are at most 100,000 characters`);
      const lines = splitTranslationLines(text);
      if (lines.length !== this.#sentences.length)
        throw invalid(
          `the '${language}' translations have ${lines.length} line${lines.length === 1 ? '' : 's'}; ` +
            `the lesson has ${this.#sentences.length} sentence${this.#sentences.length === 1 ? '' : 's'} (one line per sentence, in order)`,
        );
      this.#lines.set(language, lines);
    }
  }

  /** The lesson's sentences, as the translation lines are aligned with them. */
  get sentences(): readonly string[] {
    return this.#sentences;
  }

  /** The languages it has reviewed lines for. */
  get languages(): string[] {
    return [...this.#lines.keys()];
  }

  /**
   * The lesson sentence (or two sentences in a row) closest to `heard`, when within
   * `maxWordErrorRate`; the earliest wins a tie.
   */
  match(heard: string): MemoryMatch | undefined {
    const h = words(heard);
    if (h.length === 0 || this.#lines.size === 0) return undefined;
    let best: MemoryMatch | undefined;
    const consider = (sentences: number[], reference: string[]) => {
      if (reference.length === 0) return;
      // A reference far shorter or longer than what was heard cannot be within the threshold.
      if (Math.abs(reference.length - h.length) > reference.length * this.options.maxWordErrorRate)
        return;
      const wer = wordEditDistance(reference, h) / reference.length;
      if (wer <= this.options.maxWordErrorRate && (!best || wer < best.wordErrorRate))
        best = { sentences, wordErrorRate: wer };
    };
    for (let i = 0; i < this.#words.length; i++) {
      consider([i], this.#words[i]!);
      if (i + 1 < this.#words.length)
        consider([i, i + 1], [...this.#words[i]!, ...this.#words[i + 1]!]);
    }
    return best;
  }

  /** The reviewed line(s) for a match in `language`, or undefined when it has none. */
  line(match: MemoryMatch, language: string): string | undefined {
    const lines = this.#lines.get(language);
    if (!lines) return undefined;
    // Scripts written without spaces between words join sentences without one.
    const joiner = /^(zh|ja|th|lo|km|my)(-|$)/.test(language) ? '' : ' ';
    return match.sentences.map((i) => lines[i]!).join(joiner);
  }
}

const invalid = (message: string) => new CosmoError(ErrorCode.INVALID_ARGUMENT, message);
