import { describe, expect, it } from 'vitest';
import { cosmo } from '@cosmo/core';
import {
  Polls,
  pollFromProto,
  pollQuestionProblem,
  pollQuestionToProto,
  pollResultsFromProto,
  type PollInfo,
  type PollQuestion,
} from './Polls.js';
import { reactionCountsFromProto } from './Reactions.js';
import { waitingRoomFromProto } from './WaitingRoom.js';

const question: PollQuestion = {
  question: 'Which lens converges light?',
  kind: 'single',
  options: ['Convex', 'Concave'],
  anonymous: false,
  correct: [0],
  accepted: [],
};

function poll(id: string, startedAt: number, open = true): PollInfo {
  return { id, question, open, resultsShown: false, startedAt, closedAt: 0, quiz: true };
}

describe('polls in the SDK', () => {
  it('go to the wire and back unchanged, with kinds as the protocol names them', () => {
    const wire = pollQuestionToProto({ ...question, kind: 'multiple', correct: [0, 1] });
    expect(wire.kind).toBe(cosmo.v1.PollKind.POLL_KIND_MULTIPLE);
    const back = pollFromProto({ id: 'p1', question: wire, open: true, quiz: true });
    expect(back.question).toEqual({ ...question, kind: 'multiple', correct: [0, 1] });
    expect(back).toMatchObject({ id: 'p1', open: true, resultsShown: false, quiz: true });
  });

  it('send a text question without options, and its accepted answers only', () => {
    const wire = pollQuestionToProto({
      ...question,
      kind: 'text',
      options: ['left over'],
      correct: [1],
      accepted: ['focus'],
    });
    expect(wire).toMatchObject({ options: [], correct: [], accepted: ['focus'] });
  });

  it('refuse, before sending, a question the server would refuse', () => {
    expect(pollQuestionProblem(question)).toBeUndefined();
    expect(pollQuestionProblem({ ...question, question: '  ' })).toMatch(/empty/);
    expect(pollQuestionProblem({ ...question, options: ['Only one'] })).toMatch(/2 to 10/);
    expect(pollQuestionProblem({ ...question, options: ['A', ' '] })).toMatch(/empty/);
    expect(pollQuestionProblem({ ...question, correct: [2] })).toMatch(/not one of/);
    expect(pollQuestionProblem({ ...question, correct: [0, 1] })).toMatch(/one correct/);
    expect(pollQuestionProblem({ ...question, kind: 'text', options: [] })).toBeUndefined();
  });

  it('list open polls first, then the newest, and know the current one', () => {
    const polls = new Polls();
    polls.reset([poll('old', 1, false), poll('new', 3, false), poll('live', 2)], []);
    expect(polls.all.map((p) => p.id)).toEqual(['live', 'new', 'old']);
    expect(polls.current?.id).toBe('live');
    polls.update({ ...poll('live', 2), open: false, closedAt: 4 });
    expect(polls.current).toBeUndefined();
  });

  it('keep results, one’s own answer and quiz scores, and forget them with their polls', () => {
    const polls = new Polls();
    polls.reset([poll('q1', 1)], []);
    polls.setAnswer('q1', { choices: [1], text: '' });
    polls.setAnswer('q1', { choices: [0], text: '' });
    expect(polls.answer('q1')).toEqual({ choices: [0], text: '' });
    polls.setResults(
      pollResultsFromProto({ pollId: 'q1', answered: 2, eligible: 3, counts: [1, 1] }),
    );
    expect(polls.results('q1')).toMatchObject({ answered: 2, eligible: 3, counts: [1, 1] });
    polls.setScore({ pollId: 'q1', answered: true, correct: true, score: 2, quizzes: 3 });
    expect(polls.latestScore).toMatchObject({ score: 2, quizzes: 3 });
    // A rejoin whose lecture still has q1 keeps the answer; one without it forgets everything.
    polls.reset([poll('q1', 1)], []);
    expect(polls.answer('q1')).toBeDefined();
    expect(polls.results('q1')).toBeUndefined();
    polls.reset([], []);
    expect(polls.answer('q1')).toBeUndefined();
    expect(polls.latestScore).toBeUndefined();
  });

  it('name the voters of a named poll, by identity when they have no name', () => {
    const r = pollResultsFromProto({
      pollId: 'p',
      votes: [
        { identity: 'aiko', choices: [1] },
        { identity: 'ren', name: 'Ren Ito', text: 'x' },
      ],
    });
    expect(r.votes.map((v) => v.name)).toEqual(['aiko', 'Ren Ito']);
  });
});

describe('reactions and the waiting room in the SDK', () => {
  it('keep only the fixed reactions, and only those sent', () => {
    expect(reactionCountsFromProto({ '👍': 3, '💩': 9, '❓': 0, '🙋': 1 })).toEqual({
      '👍': 3,
      '🙋': 1,
    });
  });

  it('list who waits oldest first, named by identity when they have no name', () => {
    const w = waitingRoomFromProto({
      enabled: true,
      waiting: [
        { identity: 'ren', name: 'Ren Ito', since: 20, onRoster: true },
        { identity: 'guest-7', since: 10 },
      ],
    });
    expect(w).toEqual({
      enabled: true,
      admitRoster: false,
      waiting: [
        { identity: 'guest-7', name: 'guest-7', onRoster: false, since: 10 },
        { identity: 'ren', name: 'Ren Ito', onRoster: true, since: 20 },
      ],
    });
  });
});
