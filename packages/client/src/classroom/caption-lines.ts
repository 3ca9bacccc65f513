// How a live caption is cut into subtitle lines: at most two, broken only between words, the
// newest words kept. Widths are counted in full-width characters (a Chinese or Japanese character
// is 1, a Latin letter ½), the unit the stage's caption font is sized in.

/** The part of `Intl.Segmenter` the breaker uses, so a test can take it away. */
export type WordSegmenter = (text: string, language: string) => Iterable<{ segment: string }>;

/** How captions are broken into lines. */
export interface CaptionLineOptions {
  /** The widest a line may be, in full-width characters. */
  lineLength: number;
  /** The most lines shown; a longer caption shows its last ones. */
  maxLines: number;
  /** Finds the words; `undefined` where the browser has no `Intl.Segmenter`. */
  segmenter: WordSegmenter | undefined;
}

/** Languages written without spaces or in full-width characters: shorter lines, as in their subtitles. */
const WIDE_LANGUAGES = new Set(['zh', 'ja', 'ko', 'yue']);

/**
 * A caption line's length in full-width characters, as in broadcast subtitles: 18 characters for
 * Chinese and Japanese, 21 (about 42 Latin letters) for the rest.
 */
export function captionLineLength(language: string): number {
  return isWideLanguage(language) ? 18 : 21;
}

/** Whether a caption in `language` is set in full-width characters (its font is sized for that). */
export function isWideLanguage(language: string): boolean {
  return WIDE_LANGUAGES.has(baseLanguage(language));
}

function baseLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0] ?? '';
}

const browserSegmenter: WordSegmenter | undefined =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl
    ? (text, language) => {
        try {
          return new Intl.Segmenter(language || undefined, { granularity: 'word' }).segment(text);
        } catch {
          // An unknown language tag: the default locale's rules still find most words.
          return new Intl.Segmenter(undefined, { granularity: 'word' }).segment(text);
        }
      }
    : undefined;

/** The defaults: the caption language's line length, two lines, the browser's word segmenter. */
export function captionLineDefaults(language: string): CaptionLineOptions {
  return { lineLength: captionLineLength(language), maxLines: 2, segmenter: browserSegmenter };
}

// Without a segmenter: each character of the scripts written without spaces, or a run between spaces.
const FALLBACK_SEGMENTS =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|\s+|[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
// Full-width (East Asian Wide) characters take a whole column; everything else half of one.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u;
// Punctuation that opens (brackets, opening quotes) belongs to the word after it.
const OPENING = /^[\p{Ps}\p{Pi}]+$/u;
const SPACE = /^\s+$/u;
const WORDLESS = /^[^\p{L}\p{N}\p{M}]+$/u;
const HIRAGANA = /^\p{Script=Hiragana}+$/u;
const ENDS_IN_KANJI = /[\p{Script=Han}\p{Script=Katakana}]$/u;

/** A text's width in full-width characters. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 1 : 0.5;
  return width;
}

/**
 * Whether a Japanese segment is the kana ending of the word before it (当|たった) or a one-kana
 * particle (光|は): subtitles keep those on the word's line. Never so long a piece that it would
 * crowd a line.
 */
function japaneseTail(before: string, piece: string, lineLength: number): boolean {
  return (
    HIRAGANA.test(piece) &&
    (ENDS_IN_KANJI.test(before) || [...piece].length === 1) &&
    textWidth(before + piece) <= lineLength / 2
  );
}

/** The pieces a line may not be broken inside: a word with its punctuation, then its spaces. */
function units(
  text: string,
  language: string,
  segmenter: WordSegmenter | undefined,
  lineLength: number,
): string[] {
  const japanese = baseLanguage(language) === 'ja';
  const pieces = segmenter
    ? Array.from(segmenter(text, language), (s) => s.segment)
    : (text.match(FALLBACK_SEGMENTS) ?? []);
  const out: string[] = [];
  let opening = '';
  for (const piece of pieces) {
    const last = out.length - 1;
    if (SPACE.test(piece) || (WORDLESS.test(piece) && !OPENING.test(piece))) {
      // Spaces and closing punctuation stay with the word before them, so no line starts with them.
      if (last >= 0 && !opening) out[last] += piece;
      else opening += piece;
    } else if (OPENING.test(piece)) {
      opening += piece;
    } else if (japanese && last >= 0 && !opening && japaneseTail(out[last]!, piece, lineLength)) {
      out[last] += piece;
    } else {
      // A word after a space or in a script written with spaces starts a piece of its own; in
      // Chinese or Japanese so does every word the segmenter found.
      out.push(opening + piece);
      opening = '';
    }
  }
  if (opening) {
    if (out.length > 0) out[out.length - 1] += opening;
    else out.push(opening);
  }
  return out;
}

/**
 * A caption cut into subtitle lines, broken only between words, each at most `lineLength` wide
 * (a single longer word gets a line of its own); when it needs more than `maxLines`, its last
 * ones, since a caption grows at its end. Lines are slices of the text: a line's trailing space
 * is kept, so joined they read as the caption's end.
 */
export function captionLines(
  text: string,
  language: string,
  options: Partial<CaptionLineOptions> = {},
): string[] {
  const { lineLength, maxLines, segmenter } = { ...captionLineDefaults(language), ...options };
  const lines: string[] = [];
  let line = '';
  for (const unit of units(text, language, segmenter, lineLength)) {
    if (line && textWidth((line + unit).trimEnd()) > lineLength) {
      lines.push(line);
      line = unit;
    } else {
      line += unit;
    }
  }
  if (line) lines.push(line);
  return lines.slice(-maxLines);
}
