// Polls and quizzes: their plain types, their wire forms, and the state a client keeps of them.
import { cosmo } from '@cosmo/core';

/** One option, any number of options, or a short text answer. */
export type PollKind = 'single' | 'multiple' | 'text';

/** A poll or quiz as a moderator writes it (and as a prepared one is kept). */
export interface PollQuestion {
  question: string;
  kind: PollKind;
  /** The choices of a single- or multiple-choice poll (2 to 10); empty for a text poll. */
  options: string[];
  /** The server keeps that a person answered, never what they answered. */
  anonymous: boolean;
  /**
   * A quiz: the correct options (indexes) of a choice quiz, or the accepted answers of a text
   * quiz. Both empty: a poll. Students get them only once the quiz closes.
   */
  correct: number[];
  accepted: string[];
}

/** A poll as everyone sees it. */
export interface PollInfo {
  id: string;
  question: PollQuestion;
  open: boolean;
  /** Whether students see the results (moderators always do). */
  resultsShown: boolean;
  /** Unix ms; `closedAt` is 0 while open. */
  startedAt: number;
  closedAt: number;
  quiz: boolean;
}

/** Who answered what, in a named poll (moderators only). */
export interface PollVoteInfo {
  identity: string;
  name: string;
  choices: number[];
  text: string;
}

/** A poll's totals: live to moderators, to students when shown. */
export interface PollResultsInfo {
  pollId: string;
  /** People who answered, and people who could. */
  answered: number;
  eligible: number;
  /** Per option, how many chose it. */
  counts: number[];
  /** Text answers, without names. */
  texts: string[];
  /** Named polls, moderators only. */
  votes: PollVoteInfo[];
}

/** A student's own result of a quiz, when it closes. */
export interface QuizScoreInfo {
  pollId: string;
  answered: boolean;
  correct: boolean;
  /** Of the lecture's quizzes so far (`quizzes`), how many this student got right. */
  score: number;
  quizzes: number;
}

/** A question kept for later in the class's prepared list. */
export interface PreparedPollInfo {
  id: string;
  question: PollQuestion;
}

/** One's own answer to a poll: the options chosen, or the text. */
export interface PollAnswer {
  choices: number[];
  text: string;
}

const KINDS: Record<PollKind, cosmo.v1.PollKind> = {
  single: cosmo.v1.PollKind.POLL_KIND_SINGLE,
  multiple: cosmo.v1.PollKind.POLL_KIND_MULTIPLE,
  text: cosmo.v1.PollKind.POLL_KIND_TEXT,
};

export function pollQuestionToProto(q: PollQuestion): cosmo.v1.PollQuestion.$Properties {
  return {
    question: q.question,
    kind: KINDS[q.kind],
    options: q.kind === 'text' ? [] : q.options,
    anonymous: q.anonymous,
    correct: q.kind === 'text' ? [] : q.correct,
    accepted: q.kind === 'text' ? q.accepted : [],
  };
}

export function pollQuestionFromProto(q: cosmo.v1.PollQuestion.$Properties | null | undefined) {
  const kind: PollKind =
    q?.kind === cosmo.v1.PollKind.POLL_KIND_MULTIPLE
      ? 'multiple'
      : q?.kind === cosmo.v1.PollKind.POLL_KIND_TEXT
        ? 'text'
        : 'single';
  return {
    question: q?.question ?? '',
    kind,
    options: [...(q?.options ?? [])],
    anonymous: Boolean(q?.anonymous),
    correct: [...(q?.correct ?? [])],
    accepted: [...(q?.accepted ?? [])],
  } satisfies PollQuestion;
}

export function pollFromProto(p: cosmo.v1.Poll.$Properties): PollInfo {
  return {
    id: p.id ?? '',
    question: pollQuestionFromProto(p.question),
    open: Boolean(p.open),
    resultsShown: Boolean(p.resultsShown),
    startedAt: p.startedAt ?? 0,
    closedAt: p.closedAt ?? 0,
    quiz: Boolean(p.quiz),
  };
}

export function pollResultsFromProto(r: cosmo.v1.PollResults.$Properties): PollResultsInfo {
  return {
    pollId: r.pollId ?? '',
    answered: r.answered ?? 0,
    eligible: r.eligible ?? 0,
    counts: [...(r.counts ?? [])],
    texts: [...(r.texts ?? [])],
    votes: (r.votes ?? []).map((v) => ({
      identity: v.identity ?? '',
      name: v.name || v.identity || '',
      choices: [...(v.choices ?? [])],
      text: v.text ?? '',
    })),
  };
}

export function quizScoreFromProto(s: cosmo.v1.QuizScore.$Properties): QuizScoreInfo {
  return {
    pollId: s.pollId ?? '',
    answered: Boolean(s.answered),
    correct: Boolean(s.correct),
    score: s.score ?? 0,
    quizzes: s.quizzes ?? 0,
  };
}

export function preparedPollFromProto(p: cosmo.v1.PreparedPoll.$Properties): PreparedPollInfo {
  return { id: p.id ?? '', question: pollQuestionFromProto(p.question) };
}

/**
 * A question as a moderator may send it, or the reason it may not be (a TypeError's message):
 * the server refuses the same, but a form can say so before anything is sent.
 */
export function pollQuestionProblem(q: PollQuestion): string | undefined {
  if (!q.question.trim()) return 'the question is empty';
  if (q.kind === 'text') return undefined;
  const options = q.options.map((o) => o.trim());
  if (options.length < 2 || options.length > 10) return 'a choice poll has 2 to 10 options';
  if (options.some((o) => !o)) return 'an option is empty';
  if (q.correct.some((i) => !Number.isInteger(i) || i < 0 || i >= options.length))
    return 'a correct answer is not one of the options';
  if (q.kind === 'single' && q.correct.length > 1)
    return 'a single-choice quiz has one correct answer';
  return undefined;
}

/** Whether an answer was right, as the server compares text (case, width, spaces ignored). */
export function sameTextAnswer(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  return norm(a) === norm(b);
}

/**
 * The polls of a lecture as one client sees them: each poll, its totals where this client sees
 * them, its own answer and its own quiz result. Kept current by the client's events; read it,
 * do not change it.
 */
export class Polls {
  readonly #polls = new Map<string, PollInfo>();
  readonly #results = new Map<string, PollResultsInfo>();
  readonly #answers = new Map<string, PollAnswer>();
  readonly #scores = new Map<string, QuizScoreInfo>();

  /** Every poll of the lecture: open ones first, then newest first. */
  get all(): PollInfo[] {
    return [...this.#polls.values()].sort(
      (a, b) => Number(b.open) - Number(a.open) || b.startedAt - a.startedAt,
    );
  }

  /** The newest open poll, if any. */
  get current(): PollInfo | undefined {
    const first = this.all[0];
    return first?.open ? first : undefined;
  }

  get(pollId: string): PollInfo | undefined {
    return this.#polls.get(pollId);
  }

  /** A poll's totals, where this client sees them (moderators: always; students: when shown). */
  results(pollId: string): PollResultsInfo | undefined {
    return this.#results.get(pollId);
  }

  /** This client's own answer (what it sent in this session). */
  answer(pollId: string): PollAnswer | undefined {
    return this.#answers.get(pollId);
  }

  /** This client's own quiz result, once the quiz closed. */
  score(pollId: string): QuizScoreInfo | undefined {
    return this.#scores.get(pollId);
  }

  /** The newest quiz result: "2 of 3 right" so far in the lecture. */
  get latestScore(): QuizScoreInfo | undefined {
    return [...this.#scores.values()].at(-1);
  }

  /** The state a join answered: everything before it is forgotten. */
  reset(polls: PollInfo[], results: PollResultsInfo[]): void {
    this.#polls.clear();
    this.#results.clear();
    for (const p of polls) this.#polls.set(p.id, p);
    for (const r of results) this.#results.set(r.pollId, r);
    // Own answers and scores of polls the lecture still has are kept (a rejoin in the same tab).
    for (const id of [...this.#answers.keys()]) if (!this.#polls.has(id)) this.#answers.delete(id);
    for (const id of [...this.#scores.keys()]) if (!this.#polls.has(id)) this.#scores.delete(id);
  }

  /** A poll started, closed, or changed (results shown or hidden). */
  update(poll: PollInfo): void {
    this.#polls.set(poll.id, poll);
  }

  setResults(results: PollResultsInfo): void {
    this.#results.set(results.pollId, results);
  }

  setAnswer(pollId: string, answer: PollAnswer): void {
    this.#answers.set(pollId, answer);
  }

  setScore(score: QuizScoreInfo): void {
    this.#scores.delete(score.pollId);
    this.#scores.set(score.pollId, score);
  }
}
