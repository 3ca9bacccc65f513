import { describe, expect, it } from 'vitest';
import { parseJsonWellFormed, wellFormed } from './text.js';

describe('well-formed text', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    expect(wellFormed('a\uD800b')).toBe('a\uFFFDb');
    expect(wellFormed('\uDC00x\uD83D')).toBe('\uFFFDx\uFFFD');
    expect(wellFormed('漢字 😀')).toBe('漢字 😀');
    expect(new TextDecoder().decode(new TextEncoder().encode(wellFormed('\uD800')))).toBe('\uFFFD');
  });

  it('repairs the strings of JSON that escapes a lone surrogate', () => {
    expect(
      parseJsonWellFormed('{"text":"hi \\ud800","n":[1,"\\udc01"],"ok":"\\ud83d\\ude00"}'),
    ).toEqual({
      text: 'hi \uFFFD',
      n: [1, '\uFFFD'],
      ok: '😀',
    });
  });
});
