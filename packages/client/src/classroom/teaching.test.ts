import { describe, expect, it } from 'vitest';
import type { PollInfo } from '../Polls.js';
import { translator } from './i18n.js';
import { draftProblem, fill, pollBars, scoreText } from './polls-panel.js';
import {
  BUBBLE_MS,
  MAX_BUBBLES,
  addBubbles,
  bubbleSize,
  bubbleTotals,
  pruneBubbles,
} from './reactions.js';
import { EMPTY_POLL, draftQuestion, questionDraft } from './teaching.controller.js';
import { waitedFor } from './waiting-room.js';

const quiz: PollInfo = {
  id: 'q',
  question: {
    question: 'Which lens converges light?',
    kind: 'single',
    options: ['Convex', 'Concave', 'Flat'],
    anonymous: true,
    correct: [0],
    accepted: [],
  },
  open: false,
  resultsShown: true,
  startedAt: 1,
  closedAt: 2,
  quiz: true,
};

describe("the teacher's poll form", () => {
  it('says what is missing before a poll can be launched, in the UI language', () => {
    expect(draftProblem(EMPTY_POLL)).toBe('problemQuestion');
    const asked = { ...EMPTY_POLL, question: 'Ready?' };
    expect(draftProblem(asked)).toBe('problemOptions');
    expect(draftProblem({ ...asked, options: ['Yes', 'No'] })).toBeUndefined();
    expect(draftProblem({ ...asked, options: ['Yes', 'No'], quiz: true })).toBe('problemCorrect');
    expect(draftProblem({ ...asked, kind: 'text', quiz: true })).toBe('problemAccepted');
    expect(draftProblem({ ...asked, kind: 'text', quiz: true, accepted: 'focus' })).toBeUndefined();
    for (const lang of ['en', 'ja', 'zh'] as const)
      expect(translator(lang)('problemOptions')).toMatch(/10/);
  });

  it('sends a quiz with its correct options, a poll without, and text answers one per line', () => {
    const draft = {
      ...EMPTY_POLL,
      question: ' Which? ',
      kind: 'multiple' as const,
      options: ['A ', 'B', 'C'],
      quiz: true,
      correct: [2, 0],
    };
    expect(draftQuestion(draft)).toEqual({
      question: 'Which?',
      kind: 'multiple',
      options: ['A', 'B', 'C'],
      anonymous: false,
      correct: [0, 2],
      accepted: [],
    });
    expect(draftQuestion({ ...draft, quiz: false }).correct).toEqual([]);
    const text = draftQuestion({ ...draft, kind: 'text', accepted: 'focal point\n\n Focus ' });
    expect(text).toMatchObject({ options: [], correct: [], accepted: ['focal point', 'Focus'] });
    // A saved question opens in the form as it was written.
    expect(draftQuestion(questionDraft(draftQuestion(draft)))).toEqual(draftQuestion(draft));
  });
});

describe('poll results', () => {
  it('show each option’s count and share of those who answered, the right one and one’s own', () => {
    const bars = pollBars(
      quiz,
      { pollId: 'q', answered: 3, eligible: 4, counts: [2, 1], texts: [], votes: [] },
      { choices: [1], text: '' },
    );
    expect(bars.map((b) => [b.label, b.count, b.percent, b.correct, b.mine])).toEqual([
      ['Convex', 2, 67, true, false],
      ['Concave', 1, 33, false, true],
      ['Flat', 0, 0, false, false],
    ]);
    expect(
      pollBars({ ...quiz, question: { ...quiz.question, kind: 'text' } }, undefined, undefined),
    ).toEqual([]);
  });

  it('say a score and a count in words of every UI language', () => {
    const score = { pollId: 'q', answered: true, correct: true, score: 2, quizzes: 3 };
    expect(scoreText(translator('en'), score)).toBe('2 of 3 right');
    expect(scoreText(translator('ja'), score)).toBe('3問中2問正解');
    expect(scoreText(translator('zh'), score)).toBe('3 题中答对 2 题');
    expect(fill(translator('en')('answeredOf'), { answered: 3, eligible: 4 })).toBe(
      '3 of 4 answered',
    );
  });
});

describe('reactions over the stage', () => {
  it('float one bubble per reaction, sized by how many sent it, not one per person', () => {
    const bubbles = addBubbles([], { '👍': 31, '❓': 1 }, 1000);
    expect(bubbles.map((b) => [b.emoji, b.count])).toEqual([
      ['👍', 31],
      ['❓', 1],
    ]);
    expect(bubbles[0]!.size).toBeGreaterThan(bubbles[1]!.size);
    expect(bubbleSize(1)).toBe(28);
    expect(bubbleSize(10_000)).toBe(64);
  });

  it('give the teacher counts of what is on screen, and let old bubbles go', () => {
    let bubbles = addBubbles([], { '👍': 3 }, 0);
    bubbles = addBubbles(bubbles, { '👍': 2, '👏': 4 }, 500);
    expect(bubbleTotals(bubbles)).toEqual([
      ['👍', 5],
      ['👏', 4],
    ]);
    expect(pruneBubbles(bubbles, BUBBLE_MS + 1).map((b) => b.count)).toEqual([2, 4]);
    for (let i = 0; i < 20; i++) bubbles = addBubbles(bubbles, { '😂': 1 }, 600);
    expect(bubbles).toHaveLength(MAX_BUBBLES);
  });
});

describe('the waiting room', () => {
  it('says how long someone has waited', () => {
    const t = translator('en');
    expect(waitedFor(t, 0, 30_000)).toBe('just now');
    expect(waitedFor(t, 0, 150_000)).toBe('2 min');
    expect(waitedFor(translator('ja'), 0, 150_000)).toBe('2分');
  });

  it('has every new string in Japanese and Chinese', () => {
    const keys = [
      'waitingRoomTitle',
      'waitingRoomBody',
      'refused',
      'admitRoster',
      'polls',
      'launchQuiz',
      'reactionsResting',
    ] as const;
    for (const key of keys)
      for (const lang of ['ja', 'zh'] as const) {
        expect(translator(lang)(key)).not.toBe(translator('en')(key));
        expect(translator(lang)(key)).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      }
  });
});
