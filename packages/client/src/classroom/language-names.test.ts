import { describe, expect, it } from 'vitest';
import { nativeLanguageName } from './language-names.js';

describe('caption language names', () => {
  it('are written in the language itself, whatever the UI language', () => {
    expect(nativeLanguageName('ja')).toBe('日本語');
    expect(nativeLanguageName('zh')).toBe('中文');
    expect(nativeLanguageName('zh-Hans')).toBe('简体中文');
    expect(nativeLanguageName('en')).toBe('English');
    expect(nativeLanguageName('es')).toBe('Español');
  });

  it('fall back to the tag when there is no name for it', () => {
    expect(nativeLanguageName('xx')).toBe('xx');
    expect(nativeLanguageName('not a tag')).toBe('not a tag');
  });
});
