// A poll's question as its records keep it: JSON, read back defensively.
import type { PollKindName, PollQuestionRecord } from './repositories.js';

const KINDS: readonly PollKindName[] = ['single', 'multiple', 'text'];

/** The JSON a question is stored as. */
export function pollQuestionToJson(q: PollQuestionRecord): string {
  return JSON.stringify({
    question: q.question,
    kind: q.kind,
    options: q.options,
    anonymous: q.anonymous,
    correct: q.correct,
    accepted: q.accepted,
  });
}

/** A stored question; a field missing from older JSON reads as empty. */
export function pollQuestionFromJson(json: string): PollQuestionRecord {
  const raw = JSON.parse(json) as Partial<PollQuestionRecord>;
  return {
    question: String(raw.question ?? ''),
    kind: KINDS.includes(raw.kind as PollKindName) ? (raw.kind as PollKindName) : 'single',
    options: Array.isArray(raw.options) ? raw.options.map(String) : [],
    anonymous: Boolean(raw.anonymous),
    correct: Array.isArray(raw.correct) ? raw.correct.map(Number) : [],
    accepted: Array.isArray(raw.accepted) ? raw.accepted.map(String) : [],
  };
}

/** Whether a question is a quiz (it has correct options or accepted texts). */
export function isQuiz(q: PollQuestionRecord): boolean {
  return q.correct.length > 0 || q.accepted.length > 0;
}
