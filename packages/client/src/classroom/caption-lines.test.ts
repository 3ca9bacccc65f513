import { describe, expect, it } from 'vitest';
import { captionLineLength, captionLines, textWidth } from './caption-lines.js';

const ZH = '今天我们学习光学。光沿直线传播。镜子反射光。光照到镜面上以后会改变传播的方向。';
const JA =
  '今日は光学を学びます。光はまっすぐ進みます。鏡は光を反射します。鏡に当たった光は向きを変えます。';
const EN =
  'Today we study optics. Light travels in straight lines, and a mirror reflects the light that reaches it back into the room.';
const ALL = { maxLines: Infinity };

/** Where `Intl.Segmenter` says words begin and end in `text`. */
function wordBoundaries(text: string, language: string): Set<number> {
  const segments = new Intl.Segmenter(language, { granularity: 'word' }).segment(text);
  return new Set(Array.from(segments, (s) => s.index));
}

/** The offsets in the text where each line after the first begins. */
function breaks(lines: string[]): number[] {
  const at: number[] = [];
  let offset = 0;
  for (const line of lines.slice(0, -1)) at.push((offset += line.length));
  return at;
}

const PUNCTUATION = /^[\p{P}\s]/u;

describe('captionLines', () => {
  for (const [language, text] of [
    ['zh', ZH],
    ['ja', JA],
  ] as const) {
    it(`breaks a ${language} caption only where Intl.Segmenter finds a word boundary, 18 characters a line at most`, () => {
      const lines = captionLines(text, language, ALL);
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.join('')).toBe(text);
      const boundaries = wordBoundaries(text, language);
      for (const at of breaks(lines)) expect(boundaries.has(at), `break at ${at}`).toBe(true);
      for (const line of lines) {
        expect([...line].length).toBeLessThanOrEqual(18);
        expect(line).not.toMatch(PUNCTUATION);
      }
      // Full lines: each one's next word would not have fitted.
      for (const line of lines.slice(0, -1)) expect([...line].length).toBeGreaterThan(12);
    });
  }

  it('keeps a Japanese word with its kana ending and its particle, though the segmenter splits them', () => {
    const text = '鏡に当たった光は向きを変え、反射角は入射角と等しくなります。';
    const lines = captionLines(text, 'ja', { ...ALL, lineLength: 7 });
    expect(lines.join('')).toBe(text);
    // ICU splits 当|たった and 等|しく: a line may not start with たった or しく.
    for (const at of breaks(lines)) {
      expect(`${text[at - 1]}|${text[at]}`).not.toMatch(/\p{Script=Han}\|\p{Script=Hiragana}/u);
    }
    expect(lines).toEqual([
      '鏡に当たった',
      '光は向きを',
      '変え、反射角は',
      '入射角と等しく',
      'なります。',
    ]);
  });

  it('keeps a Chinese word whole even where a character would still fit', () => {
    // 直线 and 反射光 are words: a line of 5 may not end after 直 or 反.
    expect(captionLines('光沿直线传播。镜子反射光。', 'zh', { ...ALL, lineLength: 5 })).toEqual([
      '光沿直线',
      '传播。镜子',
      '反射光。',
    ]);
  });

  it('never starts a line with punctuation: it stays with the word before it, even past the line length', () => {
    // 光沿直线传播 fills 6 columns; its 。 goes with 传播 to the next line rather than lead it.
    expect(captionLines('光沿直线传播。镜子反射光。', 'zh', { ...ALL, lineLength: 6 })).toEqual([
      '光沿直线',
      '传播。镜子',
      '反射光。',
    ]);
    const ja = captionLines('光はまっすぐ進みます。鏡は光を反射します。', 'ja', {
      ...ALL,
      lineLength: 11,
    });
    expect(ja).toEqual(['光はまっすぐ進みます。', '鏡は光を反射します。']);
    const narrower = captionLines('光はまっすぐ進みます。', 'ja', { ...ALL, lineLength: 10 });
    expect(narrower).toEqual(['光はまっすぐ進み', 'ます。']);
    // An opening bracket goes with the word after it, the closing one and 。 with the word before.
    expect(captionLines('老师说「光沿直线传播」。', 'zh', { ...ALL, lineLength: 4 })).toEqual([
      '老师说',
      '「光沿',
      '直线',
      '传播」。',
    ]);
  });

  it('breaks an English caption between words at about 42 characters', () => {
    expect(captionLineLength('en')).toBe(21);
    const lines = captionLines(EN, 'en', ALL);
    expect(lines.join('')).toBe(EN);
    for (const line of lines) {
      expect(line.trimEnd().length).toBeLessThanOrEqual(42);
      expect(line).not.toMatch(PUNCTUATION);
    }
    for (const at of breaks(lines)) expect(EN[at - 1]).toBe(' ');
    expect(lines.map((l) => l.trimEnd())).toEqual([
      'Today we study optics. Light travels in',
      'straight lines, and a mirror reflects the',
      'light that reaches it back into the room.',
    ]);
  });

  it('shows the last two lines of a long caption, and its lines stay put as it grows', () => {
    const all = captionLines(ZH, 'zh', ALL);
    expect(captionLines(ZH, 'zh')).toEqual(all.slice(-2));
    // The teacher goes on speaking: the lines already shown do not reflow.
    const longer = captionLines(`${ZH}反射角等于入射角。`, 'zh', ALL);
    expect(longer.slice(0, all.length - 1)).toEqual(all.slice(0, -1));
    expect(captionLines('光沿直线传播。', 'zh')).toEqual(['光沿直线传播。']);
    expect(captionLines('', 'zh')).toEqual([]);
  });

  it('counts a Latin letter as half a Chinese character', () => {
    expect(textWidth('光沿直线')).toBe(4);
    expect(textWidth('DNA 双螺旋')).toBe(5);
    expect(textWidth('。，')).toBe(2);
  });

  describe('in a browser without Intl.Segmenter', () => {
    const none = { ...ALL, segmenter: undefined };

    it('breaks Chinese and Japanese between any two characters, punctuation still attached', () => {
      for (const [language, text] of [
        ['zh', ZH],
        ['ja', JA],
      ] as const) {
        const lines = captionLines(text, language, none);
        expect(lines.join('')).toBe(text);
        for (const line of lines) {
          expect([...line].length).toBeLessThanOrEqual(18);
          expect(line).not.toMatch(PUNCTUATION);
        }
        // Lines are filled character by character: all but the last are full but for a 。 kept.
        for (const line of lines.slice(0, -1)) expect([...line].length).toBeGreaterThanOrEqual(17);
      }
      expect(captionLines('光沿直线传播。镜子反射光。', 'zh', { ...none, lineLength: 6 })).toEqual([
        '光沿直线传',
        '播。镜子反射',
        '光。',
      ]);
    });

    it('breaks English at spaces', () => {
      const lines = captionLines(EN, 'en', none);
      expect(lines).toEqual(captionLines(EN, 'en', ALL));
      for (const at of breaks(lines)) expect(EN[at - 1]).toBe(' ');
    });
  });
});
