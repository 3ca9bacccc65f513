import { html, nothing, type TemplateResult } from 'lit';
import type { PollAnswer, PollInfo, PollResultsInfo, QuizScoreInfo } from '../Polls.js';
import type { PollKind } from '../Polls.js';
import type { ClassroomController } from './classroom.controller.js';
import type { MessageKey } from './i18n.js';
import {
  EMPTY_POLL,
  questionDraft,
  type PollDraft,
  type TeachingController,
} from './teaching.controller.js';

type T = (key: MessageKey) => string;

/** One option's bar: its count, its share of those who answered, and what it was. */
export interface PollBar {
  index: number;
  label: string;
  count: number;
  /** Of the people who answered, 0 to 100 (a multiple-choice poll's add up to more). */
  percent: number;
  /** A closed quiz's correct option (unknown to students before it closes). */
  correct: boolean;
  /** This person chose it. */
  mine: boolean;
}

/** The bars of a choice poll's results (none for a text poll, or without results). */
export function pollBars(
  poll: PollInfo,
  results: PollResultsInfo | undefined,
  answer: PollAnswer | undefined,
): PollBar[] {
  if (poll.question.kind === 'text') return [];
  const correct = new Set(poll.question.correct);
  const answered = results?.answered ?? 0;
  return poll.question.options.map((label, index) => {
    const count = results?.counts[index] ?? 0;
    return {
      index,
      label,
      count,
      percent: answered ? Math.round((count / answered) * 100) : 0,
      correct: correct.has(index),
      mine: answer?.choices.includes(index) ?? false,
    };
  });
}

/** Why a draft cannot be launched or saved yet, as a message key (undefined: it can). */
export function draftProblem(draft: PollDraft): MessageKey | undefined {
  if (!draft.question.trim()) return 'problemQuestion';
  if (draft.kind === 'text') {
    if (draft.quiz && !draft.accepted.trim()) return 'problemAccepted';
    return undefined;
  }
  const options = draft.options.map((o) => o.trim());
  if (options.length < 2 || options.length > 10 || options.some((o) => !o)) return 'problemOptions';
  if (draft.quiz && draft.correct.length === 0) return 'problemCorrect';
  if (draft.quiz && draft.kind === 'single' && draft.correct.length > 1)
    return 'problemSingleCorrect';
  return undefined;
}

/** Fills `{name}` in a message with values. */
export function fill(message: string, values: Record<string, string | number>): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** "2 of 3 right": a student's quiz score so far in the lecture. */
export function scoreText(t: T, score: QuizScoreInfo): string {
  return fill(t('scoreOf'), { score: score.score, quizzes: score.quizzes });
}

/**
 * The polls tab. A moderator writes a poll or quiz (or picks a saved one), launches it, watches
 * its totals, shows them to the class and closes it. A student answers the open poll and sees
 * results when shown, and their quiz score.
 */
export function renderPollsPanel(
  room: ClassroomController,
  teaching: TeachingController,
  t: T,
): TemplateResult {
  const client = room.client;
  const polls = client?.polls.all ?? [];
  if (!client) return html`<p class="role">${t('noPolls')}</p>`;
  if (room.moderator) {
    // The live polls' totals first (what the teacher watches), then the composer, then the past.
    const card = (p: PollInfo) => renderModeratorPoll(room, t, p);
    return html`<div part="polls" class="polls">
      ${polls.filter((p) => p.open).map(card)} ${renderComposer(room, teaching, t)}
      ${polls.filter((p) => !p.open).map(card)}
    </div>`;
  }
  const score = client.polls.latestScore;
  return html`<div part="polls" class="polls">
    ${score ? html`<p class="score" data-score>${scoreText(t, score)}</p>` : nothing}
    ${polls.length === 0 ? html`<p class="role">${t('noPolls')}</p>` : nothing}
    ${polls.map((p) => renderStudentPoll(room, t, p))}
  </div>`;
}

const KIND_KEYS: Record<PollKind, MessageKey> = {
  single: 'kindSingle',
  multiple: 'kindMultiple',
  text: 'kindText',
};

function renderComposer(
  room: ClassroomController,
  teaching: TeachingController,
  t: T,
): TemplateResult {
  const d = teaching.draft;
  const edit = (change: Partial<PollDraft>) => teaching.editDraft({ ...d, ...change });
  // Typing reads the draft as it is now, not as this render saw it.
  const type = (change: Partial<PollDraft>) => teaching.editDraft({ ...teaching.draft, ...change });
  const problem = draftProblem(d);
  const quizText = d.quiz && d.kind === 'text';
  const launch = (e: SubmitEvent) => {
    e.preventDefault();
    if (!problem) void teaching.launch();
  };
  const choice = d.kind !== 'text';
  return html`${renderPrepared(teaching, t)}
    <form class="poll-form" @submit=${launch} aria-labelledby="new-poll-title">
      <h3 id="new-poll-title">${t(teaching.draftPreparedId ? 'editPrepared' : 'newPoll')}</h3>
      <label
        >${t('question')}
        <textarea
          name="question"
          rows="2"
          maxlength="500"
          .value=${d.question}
          @input=${(e: Event) => type({ question: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
      </label>
      <label
        >${t('pollKind')}
        <select
          name="kind"
          @change=${(e: Event) =>
            edit({ kind: (e.target as HTMLSelectElement).value as PollKind, correct: [] })}
        >
          ${(['single', 'multiple', 'text'] as const).map(
            (k) => html`<option value=${k} ?selected=${d.kind === k}>${t(KIND_KEYS[k])}</option>`,
          )}
        </select>
      </label>
      <div class="checks">
        <label
          ><input
            type="checkbox"
            name="quiz"
            .checked=${d.quiz}
            @change=${(e: Event) => edit({ quiz: (e.target as HTMLInputElement).checked, correct: [] })}
          />
          ${t('quiz')}</label
        >
        <label
          ><input
            type="checkbox"
            name="anonymous"
            .checked=${d.anonymous}
            @change=${(e: Event) => edit({ anonymous: (e.target as HTMLInputElement).checked })}
          />
          ${t('anonymous')}</label
        >
      </div>
      ${
        choice
          ? html`<fieldset class="options">
              <legend>
                ${t('options')}${d.quiz ? html` · <span class="role">${t('problemCorrect')}</span>` : nothing}
              </legend>
              ${d.options.map(
                (o, i) =>
                  html`<div class="option-row">
                    ${
                      d.quiz
                        ? html`<input
                            type=${d.kind === 'single' ? 'radio' : 'checkbox'}
                            name="correct"
                            aria-label="${t('correctOption')} ${i + 1}"
                            title=${t('correctOption')}
                            .checked=${d.correct.includes(i)}
                            @change=${(e: Event) => {
                              const on = (e.target as HTMLInputElement).checked;
                              const rest = d.correct.filter((c) => c !== i);
                              edit({
                                correct:
                                  d.kind === 'single' ? (on ? [i] : []) : on ? [...rest, i] : rest,
                              });
                            }}
                          />`
                        : nothing
                    }
                    <input
                      name="option"
                      maxlength="200"
                      aria-label="${t('option')} ${i + 1}"
                      placeholder="${t('option')} ${i + 1}"
                      .value=${o}
                      @input=${(e: Event) => {
                        const options = [...teaching.draft.options];
                        options[i] = (e.target as HTMLInputElement).value;
                        type({ options });
                      }}
                    />
                    ${
                      d.options.length > 2
                        ? html`<button
                            type="button"
                            class="small"
                            aria-label="${t('removeOption')} ${i + 1}"
                            title=${t('removeOption')}
                            @click=${() =>
                              edit({
                                options: d.options.filter((_, j) => j !== i),
                                correct: d.correct
                                  .filter((c) => c !== i)
                                  .map((c) => (c > i ? c - 1 : c)),
                              })}
                          >
                            ×
                          </button>`
                        : nothing
                    }
                  </div>`,
              )}
              ${
                d.options.length < 10
                  ? html`<button
                      type="button"
                      class="small"
                      @click=${() => edit({ options: [...d.options, ''] })}
                    >
                      ${t('addOption')}
                    </button>`
                  : nothing
              }
            </fieldset>`
          : nothing
      }
      ${
        quizText
          ? html`<label
              >${t('acceptedAnswers')}
              <textarea
                name="accepted"
                rows="2"
                .value=${d.accepted}
                @input=${(e: Event) => type({ accepted: (e.target as HTMLTextAreaElement).value })}
              ></textarea>
            </label>`
          : nothing
      }
      ${problem && d.question.trim() ? html`<p class="hint" id="poll-problem">${t(problem)}</p>` : nothing}
      <div class="actions">
        <button
          type="submit"
          class="primary"
          data-action="launch-poll"
          ?disabled=${!!problem}
          aria-describedby=${problem && d.question.trim() ? 'poll-problem' : nothing}
        >
          ${t(d.quiz ? 'launchQuiz' : 'launchPoll')}
        </button>
        ${
          room.classroom?.classId
            ? html`<button
                type="button"
                data-action="save-poll"
                ?disabled=${!!problem}
                @click=${() => teaching.saveDraft()}
              >
                ${t(teaching.draftPreparedId ? 'updatePrepared' : 'saveForLater')}
              </button>`
            : nothing
        }
        ${
          d !== EMPTY_POLL
            ? html`<button
                type="button"
                class="small"
                @click=${() => teaching.editDraft(EMPTY_POLL, '')}
              >
                ${t('clearDraft')}
              </button>`
            : nothing
        }
      </div>
    </form>`;
}

function renderPrepared(teaching: TeachingController, t: T): TemplateResult | typeof nothing {
  if (teaching.prepared.length === 0) return nothing;
  return html`<details class="prepared" open>
    <summary>${t('preparedPolls')} (${teaching.prepared.length})</summary>
    <ul>
      ${teaching.prepared.map(
        (p) =>
          html`<li class="person" data-prepared=${p.id}>
            <span class="who"
              >${p.question.question}<br /><span class="role"
                >${t(KIND_KEYS[p.question.kind])}${p.question.correct.length || p.question.accepted.length ? ` · ${t('quiz')}` : ''}</span
              ></span
            >
            <span class="actions">
              <button
                class="small primary"
                aria-label="${t('launchPoll')}: ${p.question.question}"
                @click=${() => teaching.launch(p.id)}
              >
                ${t('launchPoll')}
              </button>
              <button
                class="small"
                aria-label="${t('edit')}: ${p.question.question}"
                @click=${() => teaching.editDraft(questionDraft(p.question), p.id)}
              >
                ${t('edit')}
              </button>
              <button
                class="small"
                aria-label="${t('removeLanguage')}: ${p.question.question}"
                @click=${() => teaching.removePrepared(p.id)}
              >
                ${t('removeLanguage')}
              </button>
            </span>
          </li>`,
      )}
    </ul>
  </details>`;
}

function pollTags(t: T, poll: PollInfo): TemplateResult {
  return html`<span class="tags">
    <span class="tag ${poll.open ? 'open' : ''}">${t(poll.open ? 'pollOpen' : 'pollClosed')}</span>
    ${poll.quiz ? html`<span class="tag">${t('quiz')}</span>` : nothing}
    ${poll.question.anonymous ? html`<span class="tag">${t('anonymous')}</span>` : nothing}
  </span>`;
}

/** The options with their counts (when there are results), the right ones, one's own. */
function renderBars(t: T, bars: PollBar[], showCorrect: boolean, counted = true): TemplateResult {
  return html`<ul class="bars">
    ${bars.map(
      (b) =>
        html`<li
          class="bar ${b.mine ? 'mine' : ''} ${showCorrect && b.correct ? 'correct' : ''}"
          data-option=${b.index}
          data-count=${b.count}
        >
          <span class="bar-label"
            >${showCorrect && b.correct ? html`<span class="mark" aria-label=${t('correctOption')}>✓</span>` : nothing}${b.label}${b.mine ? html` <span class="role">(${t('yourAnswer')})</span>` : nothing}</span
          >
          ${
            counted
              ? html`<span class="bar-count">${b.count} · ${b.percent}%</span>
                  <span class="bar-track" aria-hidden="true"
                    ><span class="bar-fill" style="width:${b.percent}%"></span
                  ></span>`
              : nothing
          }
        </li>`,
    )}
  </ul>`;
}

function renderModeratorPoll(room: ClassroomController, t: T, poll: PollInfo): TemplateResult {
  const results = room.client?.polls.results(poll.id);
  const bars = pollBars(poll, results, undefined);
  return html`<article class="poll-card" data-poll=${poll.id} aria-label=${poll.question.question}>
    <header>${pollTags(t, poll)}</header>
    <p class="poll-question">${poll.question.question}</p>
    <p class="role" data-answered>
      ${fill(t('answeredOf'), { answered: results?.answered ?? 0, eligible: results?.eligible ?? 0 })}
    </p>
    ${renderBars(t, bars, poll.quiz)}
    ${
      poll.question.kind === 'text' && results?.texts.length
        ? html`<ul class="texts" aria-label=${t('textAnswers')}>
            ${results.texts.map((x) => html`<li>${x}</li>`)}
          </ul>`
        : nothing
    }
    ${
      results?.votes.length
        ? html`<details class="votes">
            <summary>${t('whoAnswered')}</summary>
            <ul>
              ${results.votes.map(
                (v) =>
                  html`<li>
                    <b>${v.name}</b>:
                    ${v.text || v.choices.map((c) => poll.question.options[c] ?? '').join(', ')}
                  </li>`,
              )}
            </ul>
          </details>`
        : nothing
    }
    <div class="actions">
      <button
        class="small"
        aria-pressed=${poll.resultsShown}
        data-action="show-results"
        @click=${() => room.run((c) => c.showPollResults(poll.id, !poll.resultsShown))}
      >
        ${t('showResults')}
      </button>
      ${
        poll.open
          ? html`<button
              class="small caution"
              data-action="close-poll"
              @click=${() => room.run((c) => c.closePoll(poll.id))}
            >
              ${t('closePoll')}
            </button>`
          : nothing
      }
    </div>
  </article>`;
}

function renderStudentPoll(room: ClassroomController, t: T, poll: PollInfo): TemplateResult {
  const polls = room.client!.polls;
  const answer = polls.answer(poll.id);
  const results = polls.results(poll.id);
  const score = polls.score(poll.id);
  const shown = poll.resultsShown && results;
  const bars = pollBars(poll, shown ? results : undefined, answer);
  const closedQuiz = poll.quiz && !poll.open;
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    if (poll.question.kind === 'text') {
      const text = (form.elements.namedItem('text') as HTMLInputElement).value.trim();
      if (text) void room.run((c) => c.vote(poll.id, text));
      return;
    }
    const choices = [
      ...form.querySelectorAll<HTMLInputElement>('input[name="choice"]:checked'),
    ].map((i) => Number(i.value));
    if (choices.length) void room.run((c) => c.vote(poll.id, choices));
  };
  const kind = poll.question.kind;
  return html`<article
    class="poll-card ${poll.open ? 'live' : ''}"
    data-poll=${poll.id}
    aria-label=${poll.question.question}
  >
    <header>${pollTags(t, poll)}</header>
    ${
      poll.open
        ? html`<form class="answer" @submit=${submit}>
            <fieldset>
              <legend class="poll-question">${poll.question.question}</legend>
              ${
                kind === 'text'
                  ? html`<input
                      name="text"
                      maxlength="200"
                      autocomplete="off"
                      aria-label=${t('yourAnswer')}
                      placeholder=${t('yourAnswer')}
                      .value=${answer?.text ?? ''}
                    />`
                  : poll.question.options.map(
                      (o, i) =>
                        html`<label class="choice ${answer?.choices.includes(i) ? 'mine' : ''}"
                          ><input
                            type=${kind === 'single' ? 'radio' : 'checkbox'}
                            name="choice"
                            value=${i}
                            .checked=${answer?.choices.includes(i) ?? false}
                          />
                          <span>${o}</span></label
                        >`,
                    )
              }
            </fieldset>
            <button type="submit" class="primary" data-action="vote">
              ${t(answer ? 'changeAnswer' : 'submitAnswer')}
            </button>
            ${answer ? html`<p class="role" role="status">${t('answerSent')}</p>` : nothing}
          </form>`
        : html`<p class="poll-question">${poll.question.question}</p>`
    }
    ${!poll.open && answer && kind === 'text' ? html`<p class="mine-text">${t('yourAnswer')}: ${answer.text}</p>` : nothing}
    ${
      shown || closedQuiz
        ? html`${shown ? html`<p class="role">${fill(t('answeredOf'), { answered: results.answered, eligible: results.eligible })}</p>` : nothing}
          ${renderBars(t, bars, closedQuiz, Boolean(shown))}
          ${
            kind === 'text' && closedQuiz && poll.question.accepted.length
              ? html`<p class="role">
                  ${t('acceptedAnswersShort')}: ${poll.question.accepted.join(', ')}
                </p>`
              : nothing
          }
          ${
            shown && kind === 'text' && results.texts.length
              ? html`<ul class="texts" aria-label=${t('textAnswers')}>
                  ${results.texts.map((x) => html`<li>${x}</li>`)}
                </ul>`
              : nothing
          }`
        : !poll.open && !poll.quiz
          ? nothing
          : answer
            ? html`<p class="role">${t('resultsLater')}</p>`
            : nothing
    }
    ${
      score
        ? html`<p class="verdict ${score.correct ? 'right' : 'wrong'}" role="status" data-verdict>
            ${t(!score.answered ? 'notAnswered' : score.correct ? 'right' : 'wrong')}
          </p>`
        : nothing
    }
  </article>`;
}
