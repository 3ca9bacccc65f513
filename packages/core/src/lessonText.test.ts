import { describe, expect, it } from 'vitest';
import { isLanguageTag, splitLessonSentences, splitTranslationLines } from './lessonText.js';

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
    for (const tag of ['zh', 'ja', 'zh-Hans', 'pt-BR', 'ast'])
      expect(isLanguageTag(tag)).toBe(true);
    for (const tag of ['', 'Chinese', 'ZH', 'zh_Hans', 'zh-', 'x'])
      expect(isLanguageTag(tag)).toBe(false);
  });
});
