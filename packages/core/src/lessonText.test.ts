import { describe, expect, it } from 'vitest';
import {
  isLanguageTag,
  lessonProblems,
  splitLessonSentences,
  splitTranslationLines,
} from './lessonText.js';

describe('lesson text', () => {
  it('is cut into sentences at sentence ends and line breaks, never inside a number', () => {
    expect(splitLessonSentences('Light bends 1.5 times! Why?\nA prism…  It splits light.')).toEqual(
      ['Light bends 1.5 times!', 'Why?', 'A prism…', 'It splits light.'],
    );
    expect(splitLessonSentences('光は曲がる。なぜ？\n\n  …  \n')).toEqual([
      '光は曲がる。',
      'なぜ？',
    ]);
  });

  it('translations are cut into lines, blank lines ignored', () => {
    expect(splitTranslationLines('\n一\n\n  二  \n')).toEqual(['一', '二']);
  });

  it('language tags are BCP 47 as Cosmo takes them', () => {
    for (const tag of ['zh', 'ja', 'zh-Hans', 'pt-BR', 'ast', 'ZH'])
      expect(isLanguageTag(tag)).toBe(true);
    for (const tag of ['', 'Chinese', 'zh_Hans', 'zh-', 'x'])
      expect(isLanguageTag(tag)).toBe(false);
  });

  it('a lesson is refused for each problem with a stable reason and its values', () => {
    const text = 'Light bends. A prism splits it.';
    const problems = lessonProblems({
      text,
      language: 'en',
      translations: {
        ja: '光は曲がる。',
        en: 'Light bends.\nA prism splits it.',
        Chinese: '光会弯曲。\n棱镜把它分开。',
        es: 'x'.repeat(100_001),
        zh: '  ',
      },
    });
    expect(problems.map((p) => [p.reason, p.params])).toEqual([
      ['LINES_MISMATCH', { language: 'ja', lines: '1', sentences: '2' }],
      ['SPOKEN_LANGUAGE', { language: 'en' }],
      ['BAD_LANGUAGE', { language: 'Chinese' }],
      ['TRANSLATION_TOO_LONG', { language: 'es', max: '100000' }],
    ]);
    expect(problems[0]!.message).toBe(
      "the 'ja' translations have 1 line; the lesson has 2 sentences (one line per sentence, in order)",
    );
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`x${i}`, 'a']));
    expect(
      lessonProblems({ text: 'x'.repeat(100_001), language: 'en', translations: many })
        .map((p) => p.reason)
        .slice(0, 2),
    ).toEqual(['LESSON_TOO_LONG', 'TOO_MANY_LANGUAGES']);
    expect(lessonProblems({ text, language: 'en', translations: {} })).toEqual([]);
  });
});

describe('language tags', () => {
  it('are taken in any case, in their canonical form, and compared by language', async () => {
    const { canonicalLanguageTag, primaryLanguage, lessonProblems } =
      await import('./lessonText.js');
    expect(canonicalLanguageTag('ZH')).toBe('zh');
    expect(canonicalLanguageTag('zh-hans-cn')).toBe('zh-Hans-CN');
    expect(canonicalLanguageTag('chinese!')).toBeUndefined();
    expect(canonicalLanguageTag('')).toBeUndefined();
    expect(primaryLanguage('zh-Hant-TW')).toBe('zh');
    const lesson = { text: 'One. Two.', language: 'en' };
    const reasons = (translations: Record<string, string>) =>
      lessonProblems({ ...lesson, translations }).map((p) => `${p.reason} ${p.params['language']}`);
    expect(reasons({ ZH: '一。\n二。' })).toEqual([]);
    expect(reasons({ zh: '一。\n二。', ZH: '壹。\n贰。' })).toEqual(['DUPLICATE_LANGUAGE zh']);
    expect(reasons({ 'en-US': 'One.\nTwo.' })).toEqual(['SPOKEN_LANGUAGE en-US']);
  });
});
