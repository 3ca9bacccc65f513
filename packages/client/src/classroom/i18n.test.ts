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
});
