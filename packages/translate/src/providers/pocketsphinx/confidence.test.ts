import { describe, expect, it } from 'vitest';
import { elideUnsureWords } from '../../SpeechToText.js';
import { scoreUtterance } from './confidence.js';
import type { DecodedWord } from './SphinxDecoder.js';

const word = (w: string, posterior: number, lessonLog10: number, generalLog10: number) =>
  ({ word: w, startFrame: 0, endFrame: 10, posterior, lessonLog10, generalLog10 }) as DecodedWord;

describe('utterance confidence', () => {
  const options = { uncertainBelow: 0.3 };

  it('a lesson sentence the lesson-biased decoder is sure of, and the general one is not, is certain', () => {
    const lesson = [word('light', 0.9, -0.5, -3), word('bends', 0.85, -0.2, -3.5)];
    const general = [word('like', 0.3, -99, -2), word('pens', 0.25, -99, -4)];
    const s = scoreUtterance(lesson, general, options);
    expect(s.uncertain).toBe(false);
    expect(s.confidence).toBeGreaterThan(0.5);
    expect(s.words.map((w) => w.text)).toEqual(['light', 'bends']);
  });

  it('speech the general decoder is surer of is uncertain, and shown as the general decoder heard it', () => {
    const lesson = [word('light', 0.4, -0.5, -3), word('mirror', 0.3, -1, -4)];
    const general = [
      word('close', 0.7, -99, -2),
      word('the', 0.8, -1, -1),
      word('door', 0.6, -99, -2),
    ];
    const s = scoreUtterance(lesson, general, options);
    expect(s.uncertain).toBe(true);
    expect(s.words.map((w) => w.text)).toEqual(['close', 'the', 'door']);
  });

  it('lesson words strung together off the script score low on evidence', () => {
    const lesson = [
      word('the', 0.8, -1.2, -1.3),
      word('water', 0.8, -6, -3),
      word('sea', 0.8, -99, -4),
    ];
    const general = [
      word('the', 0.7, -1.2, -1.3),
      word('waiter', 0.7, -99, -3),
      word('see', 0.7, -99, -2),
    ];
    expect(scoreUtterance(lesson, general, options).lessonEvidence).toBeLessThan(0);
  });

  it('without a lesson, the confidence is the mean posterior', () => {
    const s = scoreUtterance(
      [word('hello', 0.9, -99, -2), word('there', 0.5, -99, -2)],
      undefined,
      options,
    );
    expect(s.confidence).toBe(0.7);
    expect(s.uncertain).toBe(false);
  });

  it('nothing heard is uncertain', () => {
    expect(scoreUtterance([], [], options).uncertain).toBe(true);
  });
});

describe('eliding unsure words', () => {
  it('replaces each run of unsure words with one ellipsis', () => {
    const words = [
      { text: 'please', confidence: 0.9 },
      { text: 'close', confidence: 0.2 },
      { text: 'the', confidence: 0.1 },
      { text: 'door', confidence: 0.8 },
      { text: 'behind', confidence: 0.3 },
    ];
    expect(elideUnsureWords('please close the door behind', words)).toBe('please … door …');
  });

  it('keeps the text when the engine gives no word scores', () => {
    expect(elideUnsureWords('as heard', [])).toBe('as heard');
  });
});
