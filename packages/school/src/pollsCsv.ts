import { stringify } from 'csv-stringify/sync';
import { isQuiz } from './pollQuestionJson.js';
import type { AnonymousPollTotals, PollAnswerRecord, PollRecord } from './repositories.js';

/** A poll with what its records keep of the answers (named: `answers`; anonymous: `totals`). */
export interface PollForCsv {
  poll: PollRecord;
  answers: PollAnswerRecord[];
  totals: AnonymousPollTotals | undefined;
}

/** The columns of the polls CSV, in order. */
export const POLLS_CSV_COLUMNS = [
  'poll_id',
  'started_at',
  'question',
  'kind',
  'anonymous',
  'quiz',
  'row',
  'option',
  'answer',
  'count',
  'person_id',
  'name',
  'correct',
] as const;

/** Case, width and surrounding spaces do not matter in a text answer. */
export function normalizeTextAnswer(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}

/** Whether an answer is right in a quiz (false for a poll that is not a quiz). */
export function isCorrectAnswer(
  poll: Pick<PollRecord, 'question'>,
  choices: readonly number[],
  text: string,
): boolean {
  const q = poll.question;
  if (!isQuiz(q)) return false;
  if (q.kind === 'text') {
    const answer = normalizeTextAnswer(text);
    return answer !== '' && q.accepted.some((a) => normalizeTextAnswer(a) === answer);
  }
  const chosen = new Set(choices);
  return chosen.size === q.correct.length && q.correct.every((i) => chosen.has(i));
}

/**
 * A lecture's poll results as CSV, with a header row of `POLLS_CSV_COLUMNS`. Polls in the order
 * they started; for each:
 *
 * - `total` rows: a choice poll has one per option, in order (`option` its 1-based number,
 *   `answer` its text, `count` how many chose it); a text poll has one per distinct answer, most
 *   given first then by text (`option` empty, `answer` the text, `count` how many gave it; named
 *   polls group answers that differ only in case, width or spaces, as the first spelling), or one
 *   row with an empty answer and count 0 when nobody answered.
 * - `answer` rows, named polls only: one per person who answered, by name (`option` the 1-based
 *   numbers chosen joined by `;`, `answer` the chosen options' texts joined by `; ` or the text,
 *   `count` empty, `person_id` and `name` set).
 *
 * `started_at` is ISO 8601 (UTC); `anonymous` and `quiz` are `yes`/`no`; `correct` is `yes`/`no`
 * for a quiz's rows and empty for a poll's. Cells starting with = + - @ get a leading apostrophe
 * (a spreadsheet would run them as formulas).
 */
export function pollsCsv(polls: readonly PollForCsv[]): string {
  const rows: (string | number)[][] = [];
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  for (const { poll, answers, totals } of polls) {
    const q = poll.question;
    const quiz = isQuiz(q);
    const head = [
      poll.id,
      new Date(poll.startedAt).toISOString(),
      q.question,
      q.kind,
      yesNo(q.anonymous),
      yesNo(quiz),
    ];
    const correct = (choices: readonly number[], text: string) =>
      quiz ? yesNo(isCorrectAnswer(poll, choices, text)) : '';
    if (q.kind === 'text') {
      const groups = new Map<string, { text: string; count: number }>();
      const add = (text: string, count: number) => {
        const key = normalizeTextAnswer(text);
        const group = groups.get(key);
        if (group) group.count += count;
        else groups.set(key, { text, count });
      };
      if (totals) for (const t of totals.texts) add(t.text, t.count);
      else for (const a of answers) if (a.text) add(a.text, 1);
      const sorted = [...groups.values()].sort(
        (a, b) => b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
      );
      if (sorted.length === 0) rows.push([...head, 'total', '', '', 0, '', '', '']);
      for (const t of sorted)
        rows.push([...head, 'total', '', t.text, t.count, '', '', correct([], t.text)]);
    } else {
      q.options.forEach((option, i) => {
        const count = totals
          ? (totals.counts.get(i) ?? 0)
          : answers.filter((a) => a.choices.includes(i)).length;
        rows.push([
          ...head,
          'total',
          i + 1,
          option,
          count,
          '',
          '',
          quiz ? yesNo(q.correct.includes(i)) : '',
        ]);
      });
    }
    if (!q.anonymous) {
      const byName = [...answers].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : a.personId < b.personId ? -1 : 1,
      );
      for (const a of byName) {
        const chosen = [...a.choices].sort((x, y) => x - y);
        rows.push([
          ...head,
          'answer',
          chosen.map((i) => i + 1).join(';'),
          q.kind === 'text' ? a.text : chosen.map((i) => q.options[i] ?? '').join('; '),
          '',
          a.personId,
          a.name,
          correct(a.choices, a.text),
        ]);
      }
    }
  }
  return stringify(rows, { header: true, columns: [...POLLS_CSV_COLUMNS], escape_formulas: true });
}
