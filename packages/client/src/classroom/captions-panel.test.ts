import { describe, expect, it } from 'vitest';
import { lessonProblems } from './captions-panel.js';
import { translator } from './i18n.js';

const lesson = 'Plants need light. Water rises through the stem.';

describe("the teacher's lesson form", () => {
  it('accepts a lesson whose translations have one line per sentence', () => {
    const draft = {
      text: lesson,
      translations: [{ language: 'zh', lines: '植物需要光。\n水沿着茎上升。' }],
    };
    expect(lessonProblems(draft, translator('en'))).toEqual([]);
  });

  it('refuses, in the UI language, what the server would refuse or could not receive', () => {
    const huge = {
      text: lesson,
      translations: [{ language: 'ja', lines: 'あ'.repeat(30_000) + '\nい' }],
    };
    expect(lessonProblems(huge, translator('en'))).toContain(
      'The lesson and its translations are too long to send (91 kB; at most 60 kB). Shorten them or split the lesson.',
    );
    expect(lessonProblems(huge, translator('zh'))[0]).toMatch(/太长/);
    const many = {
      text: 'One sentence.',
      translations: Array.from({ length: 17 }, (_, i) => ({
        language: `x${i}`.padEnd(2, 'x'),
        lines: 'a',
      })),
    };
    expect(lessonProblems(many, translator('en'))).toContain('At most 16 translation languages.');
  });
});
