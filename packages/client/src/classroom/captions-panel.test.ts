import { describe, expect, it } from 'vitest';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { lessonProblems } from './captions-panel.js';
import { EMPTY_LESSON, lessonDraft } from './classroom.controller.js';
import { errorText } from './error-messages.js';
import { translator } from './i18n.js';

const lesson = 'Plants need light. Water rises through the stem.';
const MiB = 1024 * 1024;

describe("the teacher's lesson form", () => {
  it('accepts a lesson whose translations have one line per sentence', () => {
    const draft = {
      ...EMPTY_LESSON,
      text: lesson,
      translations: [{ language: 'zh', lines: '植物需要光。\n水沿着茎上升。' }],
    };
    expect(lessonProblems(draft, translator('en'), MiB)).toEqual([]);
  });

  it('refuses, in the UI language, what the server would refuse or could not receive', () => {
    const huge = {
      ...EMPTY_LESSON,
      text: lesson,
      translations: [{ language: 'ja', lines: 'あ'.repeat(30_000) + '\nい' }],
    };
    expect(lessonProblems(huge, translator('en'), 60_000)).toContain(
      'The lesson and its translations are too long to send (91 kB; at most 60 kB). Shorten them or split the lesson.',
    );
    expect(lessonProblems(huge, translator('en'), MiB)).toEqual([]);
    expect(lessonProblems(huge, translator('zh'), 60_000)[0]).toMatch(/太长/);
    const many = {
      ...EMPTY_LESSON,
      text: 'One sentence.',
      translations: Array.from({ length: 17 }, (_, i) => ({
        language: `x${String.fromCharCode(97 + i)}`,
        lines: 'a',
      })),
    };
    expect(lessonProblems(many, translator('en'), MiB)).toEqual([
      'At most 16 translation languages.',
    ]);
  });

  it('says, in the UI language, that a translation is into the spoken language', () => {
    const draft = {
      ...EMPTY_LESSON,
      text: '光は曲がる。',
      language: 'ja',
      translations: [{ language: 'ja', lines: '光は曲がる。' }],
    };
    expect(lessonProblems(draft, translator('en'), MiB)).toEqual([
      'ja is the spoken language: give translations into the languages students read instead.',
    ]);
    expect(lessonProblems(draft, translator('ja'), MiB)).toEqual([
      'ja は話す言語です。翻訳は生徒が読む別の言語で入力してください。',
    ]);
  });

  it('shows a lesson as it was set: text, language, glossary and translations', () => {
    const draft = lessonDraft({
      text: lesson,
      language: 'en',
      glossary: { stem: 'tallo' },
      translations: { zh: '植物需要光。\n水沿着茎上升。' },
    });
    expect(draft).toEqual({
      text: lesson,
      language: 'en',
      glossary: 'stem = tallo',
      translations: [{ language: 'zh', lines: '植物需要光。\n水沿着茎上升。' }],
    });
    expect(lessonProblems(draft, translator('en'), MiB)).toEqual([]);
  });
});

describe("the server's refusal of a lesson", () => {
  it('is said in the UI language from its reason and values, not as the generic toast', () => {
    const refusal = new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      "the 'ja' translations have 4 lines; the lesson has 5 sentences (one line per sentence, in order)",
      { reason: 'LINES_MISMATCH', params: { language: 'ja', lines: '4', sentences: '5' } },
    );
    expect(errorText('en', refusal)).toBe(
      'ja: 4 lines, but the lesson has 5 sentences. Give one line per sentence, in order.',
    );
    expect(errorText('zh', refusal)).toBe('ja：有 4 行，但课程有 5 句。请每句一行，按顺序填写。');
    const large = { code: 'INVALID_ARGUMENT', reason: 'LESSON_TOO_LARGE' };
    const sizes = { size: '1300000', max: String(MiB) };
    expect(errorText('ja', { ...large, params: sizes })).toBe(
      '授業テキストと翻訳が長すぎて送れません（1300 kB、上限 1048 kB）。短くするか、授業を分けてください。',
    );
    // A reason the element does not know: the code's message.
    expect(errorText('en', { code: 'INVALID_ARGUMENT', reason: 'SOMETHING_NEW' })).toBe(
      'Something you entered is not valid. Check it and try again.',
    );
  });
});
