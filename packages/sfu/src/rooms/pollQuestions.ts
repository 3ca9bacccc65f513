// The rules a poll's question and its answers must keep, and their wire forms.
import { CosmoError, ErrorCode, cosmo } from '@cosmo/core';
import type { PollKindName, PollQuestionRecord } from '@cosmo/school';

/** The longest question, option, and text answer (characters). */
export const MAX_POLL_QUESTION = 500;
export const MAX_POLL_OPTION = 200;
export const MAX_POLL_TEXT = 200;
/** A choice poll has this many options. */
export const MIN_POLL_OPTIONS = 2;
export const MAX_POLL_OPTIONS = 10;
/** A text quiz accepts at most this many answers. */
export const MAX_ACCEPTED_ANSWERS = 20;

const KIND_FROM_PROTO: Partial<Record<number, PollKindName>> = {
  [cosmo.v1.PollKind.POLL_KIND_SINGLE]: 'single',
  [cosmo.v1.PollKind.POLL_KIND_MULTIPLE]: 'multiple',
  [cosmo.v1.PollKind.POLL_KIND_TEXT]: 'text',
};
const KIND_TO_PROTO: Record<PollKindName, cosmo.v1.PollKind> = {
  single: cosmo.v1.PollKind.POLL_KIND_SINGLE,
  multiple: cosmo.v1.PollKind.POLL_KIND_MULTIPLE,
  text: cosmo.v1.PollKind.POLL_KIND_TEXT,
};

const length = (s: string) => [...s].length;

function invalid(message: string, reason: string, params?: Record<string, string>): CosmoError {
  return new CosmoError(ErrorCode.INVALID_ARGUMENT, message, {
    reason,
    ...(params && { params }),
  });
}

/**
 * A question as a moderator sent it, checked and trimmed; INVALID_ARGUMENT (with a reason) when
 * it breaks a rule: a question of 1–500 characters; a choice poll's 2–10 options of 1–200; a
 * quiz's correct options in range (exactly one for a single-choice quiz); a text quiz's accepted
 * answers of 1–200; and no anonymous quiz (a quiz scores each student, which needs their answer).
 */
export function checkPollQuestion(
  q: cosmo.v1.PollQuestion.$Properties | null | undefined,
): PollQuestionRecord {
  if (!q) throw invalid('a question is required', 'QUESTION_MISSING');
  const kind = KIND_FROM_PROTO[q.kind ?? 0];
  if (!kind) throw invalid('a poll is single, multiple or text', 'POLL_KIND');
  const question = (q.question ?? '').trim();
  if (!question) throw invalid('the question is empty', 'QUESTION_EMPTY');
  if (length(question) > MAX_POLL_QUESTION)
    throw invalid(`a question is at most ${MAX_POLL_QUESTION} characters`, 'QUESTION_TOO_LONG', {
      max: String(MAX_POLL_QUESTION),
    });
  const options = (q.options ?? []).map((o) => o.trim());
  const correct = [...(q.correct ?? [])];
  const accepted = (q.accepted ?? []).map((a) => a.trim());
  if (kind === 'text') {
    if (options.length > 0 || correct.length > 0)
      throw invalid('a text poll has no options', 'TEXT_WITH_OPTIONS');
    if (accepted.length > MAX_ACCEPTED_ANSWERS)
      throw invalid(
        `a text quiz accepts at most ${MAX_ACCEPTED_ANSWERS} answers`,
        'TOO_MANY_ACCEPTED',
        {
          max: String(MAX_ACCEPTED_ANSWERS),
        },
      );
    if (accepted.some((a) => !a || length(a) > MAX_POLL_TEXT))
      throw invalid(`an accepted answer has 1 to ${MAX_POLL_TEXT} characters`, 'ACCEPTED_LENGTH', {
        max: String(MAX_POLL_TEXT),
      });
  } else {
    if (options.length < MIN_POLL_OPTIONS || options.length > MAX_POLL_OPTIONS)
      throw invalid(
        `a choice poll has ${MIN_POLL_OPTIONS} to ${MAX_POLL_OPTIONS} options`,
        'OPTION_COUNT',
        { min: String(MIN_POLL_OPTIONS), max: String(MAX_POLL_OPTIONS) },
      );
    if (options.some((o) => !o || length(o) > MAX_POLL_OPTION))
      throw invalid(`an option has 1 to ${MAX_POLL_OPTION} characters`, 'OPTION_LENGTH', {
        max: String(MAX_POLL_OPTION),
      });
    if (accepted.length > 0)
      throw invalid(
        'a choice quiz has correct options, not accepted texts',
        'ACCEPTED_WITH_OPTIONS',
      );
    if (correct.some((i) => i >= options.length) || new Set(correct).size !== correct.length)
      throw invalid('a correct answer is not one of the options', 'CORRECT_OUT_OF_RANGE');
    if (kind === 'single' && correct.length > 1)
      throw invalid('a single-choice quiz has exactly one correct answer', 'ONE_CORRECT');
  }
  const anonymous = Boolean(q.anonymous);
  if (anonymous && (correct.length > 0 || accepted.length > 0))
    throw invalid(
      'a quiz cannot be anonymous: each student is scored on their own answer',
      'ANONYMOUS_QUIZ',
    );
  return { question, kind, options, anonymous, correct: correct.sort((a, b) => a - b), accepted };
}

/**
 * An answer checked against its poll: one option of a single-choice poll, one or more distinct
 * options of a multiple-choice one, 1–200 characters of text for a text poll. INVALID_ARGUMENT
 * otherwise. Returns the choices sorted and the text trimmed.
 */
export function checkPollAnswer(
  q: PollQuestionRecord,
  choices: readonly number[],
  text: string,
): { choices: number[]; text: string } {
  if (q.kind === 'text') {
    const trimmed = text.trim();
    if (choices.length > 0) throw invalid('a text poll is answered with text', 'TEXT_EXPECTED');
    if (!trimmed) throw invalid('the answer is empty', 'ANSWER_EMPTY');
    if (length(trimmed) > MAX_POLL_TEXT)
      throw invalid(`an answer is at most ${MAX_POLL_TEXT} characters`, 'ANSWER_TOO_LONG', {
        max: String(MAX_POLL_TEXT),
      });
    return { choices: [], text: trimmed };
  }
  if (text) throw invalid('a choice poll is answered with options', 'CHOICES_EXPECTED');
  if (choices.some((i) => i >= q.options.length))
    throw invalid('that is not one of the options', 'CHOICE_OUT_OF_RANGE');
  const distinct = [...new Set(choices)].sort((a, b) => a - b);
  if (distinct.length !== choices.length)
    throw invalid('an option is chosen twice', 'CHOICE_TWICE');
  if (q.kind === 'single' && distinct.length !== 1)
    throw invalid('choose exactly one option', 'ONE_CHOICE');
  if (distinct.length === 0) throw invalid('choose at least one option', 'NO_CHOICE');
  return { choices: distinct, text: '' };
}

/** A question on the wire; without its answers (`correct`, `accepted`) for students. */
export function pollQuestionToProto(
  q: PollQuestionRecord,
  withAnswers: boolean,
): cosmo.v1.PollQuestion.$Properties {
  return {
    question: q.question,
    kind: KIND_TO_PROTO[q.kind],
    options: [...q.options],
    anonymous: q.anonymous,
    correct: withAnswers ? [...q.correct] : [],
    accepted: withAnswers ? [...q.accepted] : [],
  };
}
