import { describe, expect, it } from 'vitest';
import { pickLanguage, translator } from './i18n.js';

describe('UI strings', () => {
  it('follow the lang attribute, then the browser, then English', () => {
    expect(pickLanguage('ja')).toBe('ja');
    expect(pickLanguage('zh-Hans-CN')).toBe('zh');
    expect(pickLanguage(null, ['fr-FR', 'ja-JP'])).toBe('ja');
    expect(pickLanguage('fr', ['de'])).toBe('en');
  });

  it('exist in every language', () => {
    expect(translator('ja')('raiseHand')).toBe('手を挙げる');
    expect(translator('zh')('raiseHand')).toBe('举手');
    expect(translator('en')('raiseHand')).toBe('Raise hand');
  });

  it('say in every language that the recogniser was unsure of a caption', () => {
    expect(translator('en')('unsure')).toBe('Unsure: maybe not what was said');
    expect(translator('ja')('unsure')).toBe('聞き取りが不確かです');
    expect(translator('zh')('unsure')).toBe('识别不确定');
  });

  it('give the teacher the translation memory form, and mark untranslated captions, in every language', () => {
    const keys = [
      'translations',
      'translationLanguage',
      'translationLines',
      'addLanguage',
      'removeLanguage',
      'preview',
      'sentence',
      'linesMismatch',
      'untranslated',
      'badLanguage',
      'lessonTooLong',
      'tooManyLanguages',
      'lessonTextTooLong',
      'spokenTranslation',
      'translationTooLong',
    ] as const;
    for (const key of keys) {
      const en = translator('en')(key);
      for (const lang of ['ja', 'zh'] as const) {
        expect(translator(lang)(key), `${lang} ${key}`).not.toBe(en);
        expect(translator(lang)(key), `${lang} ${key}`).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      }
      if (key === 'linesMismatch')
        for (const lang of ['en', 'ja', 'zh'] as const)
          expect(translator(lang)(key)).toMatch(/\{language\}.*\{lines\}.*\{sentences\}/);
    }
  });

  it('say everything about recordings in every language', () => {
    const keys = [
      'recordings',
      'recordingBadge',
      'recordingStarted',
      'recordingStopped',
      'record',
      'startRecording',
      'stopRecording',
      'allowDownloadNext',
      'allowDownload',
      'noRecordings',
      'statusRecording',
      'statusStopped',
      'statusPublishing',
      'statusFailed',
      'download',
      'chapters',
      'recordingOff',
      'recordingNoFfmpeg',
    ] as const;
    for (const key of keys)
      for (const lang of ['ja', 'zh'] as const)
        expect(translator(lang)(key), `${lang} ${key}`).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    for (const lang of ['en', 'ja', 'zh'] as const)
      expect(translator(lang)('statusPublishing')).toContain('{percent}');
  });

  it('say why a server will not record, not just that it is unavailable', async () => {
    const { errorText } = await import('./error-messages.js');
    expect(errorText('ja', { code: 'UNAVAILABLE', reason: 'FFMPEG_MISSING' })).toContain('ffmpeg');
    expect(errorText('zh', { code: 'UNAVAILABLE', reason: 'RECORDING_OFF' })).toBe(
      translator('zh')('recordingOff'),
    );
  });
});

describe('the board', () => {
  it('says every board string in every language, and each refusal of a change', async () => {
    const { errorText } = await import('./error-messages.js');
    const keys = [
      'board',
      'boardPageOf',
      'boardTools',
      'toolPen',
      'toolText',
      'toolEraser',
      'boardColor',
      'colorRed',
      'boardSize',
      'boardImage',
      'undo',
      'redo',
      'boardAddPage',
      'boardClearPage',
      'boardLockPage',
      'boardLocked',
      'exportPng',
      'exportPdf',
      'drawPermission',
      'boardText',
    ] as const;
    for (const key of keys)
      for (const lang of ['ja', 'zh'] as const)
        expect(translator(lang)(key), `${lang} ${key}`).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    for (const lang of ['en', 'ja', 'zh'] as const) {
      expect(translator(lang)('boardPageOf')).toMatch(/\{n\}.*\{total\}|\{total\}.*\{n\}/);
      expect(translator(lang)('exportProgress')).toMatch(/\{done\}.*\{total\}/);
    }
    const refusals = [
      ['PERMISSION_DENIED', 'BOARD_LOCKED'],
      ['PERMISSION_DENIED', 'BOARD_NOT_ALLOWED'],
      ['PERMISSION_DENIED', 'BOARD_NOT_YOURS'],
      ['PERMISSION_DENIED', 'BOARD_MODERATORS_ONLY'],
      ['PERMISSION_DENIED', 'BOARD_CLIENT_TAKEN'],
      ['NOT_FOUND', 'BOARD_NO_PAGE'],
      ['INVALID_ARGUMENT', 'BOARD_MALFORMED'],
      ['INVALID_ARGUMENT', 'BOARD_OUT_OF_SYNC'],
      ['INVALID_STATE', 'BOARD_FULL'],
      ['RATE_LIMITED', 'BOARD_TOO_FAST'],
    ] as const;
    for (const [code, reason] of refusals) {
      const texts = (['en', 'ja', 'zh'] as const).map((lang) => errorText(lang, { code, reason }));
      expect(new Set(texts).size, reason).toBe(3);
      expect(texts[0]).not.toBe(errorText('en', { code }));
    }
    expect(errorText('ja', { code: 'PERMISSION_DENIED', reason: 'BOARD_LOCKED' })).toContain(
      'ロック',
    );
  });
});

describe('error toasts', () => {
  it('have a message in every UI language for every error code, not the server English', async () => {
    const { ErrorCode } = await import('@cosmo/core');
    const { errorMessage } = await import('./error-messages.js');
    for (const code of Object.values(ErrorCode)) {
      const en = errorMessage('en', code);
      for (const lang of ['ja', 'zh'] as const) {
        const text = errorMessage(lang, code);
        expect(text, `${lang} ${code}`).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        expect(text).not.toBe(en);
      }
      expect(en.length).toBeGreaterThan(20);
    }
    expect(errorMessage('ja', 'SOMETHING_NEW')).toBe(errorMessage('ja', 'INTERNAL'));
  });

  it('count people in words that agree with the number', async () => {
    const { peopleCount } = await import('./i18n.js');
    expect(peopleCount('en', 1)).toBe('1 person');
    expect(peopleCount('en', 3)).toBe('3 people');
    expect(peopleCount('ja', 3)).toBe('3人');
  });
});
