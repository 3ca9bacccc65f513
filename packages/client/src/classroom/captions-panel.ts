import { html, nothing, type TemplateResult } from 'lit';
import {
  encodeClientFrame,
  isLanguageTag,
  lessonProblems as problemsOf,
  splitLessonSentences,
  splitTranslationLines,
} from '@cosmo/core';
import type { LessonInfo } from '../wire.js';
import type { ClassroomController, LessonDraft } from './classroom.controller.js';
import { reasonMessage } from './error-messages.js';
import type { MessageKey } from './i18n.js';
import { nativeLanguageName } from './language-names.js';

type T = (key: MessageKey) => string;

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * What a screen reader says before a caption the recogniser was unsure of (sighted readers see it
 * dimmed and in italics, with the same words as its tooltip).
 */
export function unsureHint(hint: string): TemplateResult {
  return html`<span class="visually-hidden">(${hint})</span> `;
}

/**
 * The tag before a caption sent in the spoken language to a reader who picked another (no
 * reviewed line matched and no translator has the pair), in the UI language.
 */
export function untranslatedTag(label: string, uiLanguage: string): TemplateResult {
  return html`<span part="untranslated-tag" class="tag" lang=${uiLanguage}>${label}</span> `;
}

/** The captions read so far, with their time in the lecture, and a button to save them. */
function renderTranscript(room: ClassroomController, t: T, ui: string): TemplateResult {
  const lines = room.transcript;
  if (lines.length === 0) return html`<p class="role">${t('noTranscript')}</p>`;
  const save = () => {
    // Marked like the school's transcript export, so the saved file keeps which lines were unsure.
    const text =
      lines.map((l) => `[${clock(l.atMs)}] ${l.uncertain ? '(?) ' : ''}${l.text}`).join('\n') +
      '\n';
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    a.download = `transcript-${lines[0]!.language}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  return html`<ol part="transcript" class="transcript" aria-live="polite">
      ${lines.map(
        (l) =>
          html`<li
            class=${l.uncertain ? 'uncertain' : nothing}
            ?data-uncertain=${l.uncertain}
            ?data-untranslated=${l.untranslated}
            lang=${l.language || nothing}
            title=${l.uncertain ? t('unsure') : nothing}
          >
            <span class="role">${clock(l.atMs)}</span>
            ${l.untranslated ? untranslatedTag(t('untranslated'), ui) : nothing}${
              l.uncertain ? unsureHint(t('unsure')) : nothing
            }${l.text}
          </li>`,
      )}
    </ol>
    <button class="small button" @click=${save}>${t('save')}</button>`;
}

/** Glossary lines `term = translation`, one per line. */
function parseGlossary(text: string): Record<string, string> {
  const glossary: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && line.slice(at + 1).trim())
      glossary[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return glossary;
}

/** The reviewed translations given so far: rows with both a language and lines. */
function givenTranslations(draft: LessonDraft): { language: string; lines: string }[] {
  return draft.translations
    .map((r) => ({ language: r.language.trim(), lines: r.lines }))
    .filter((r) => r.language && r.lines.trim());
}

/** The lesson a draft sets. */
export function draftLesson(draft: LessonDraft): LessonInfo {
  return {
    text: draft.text,
    language: draft.language,
    glossary: parseGlossary(draft.glossary),
    translations: Object.fromEntries(givenTranslations(draft).map((r) => [r.language, r.lines])),
  };
}

/**
 * What keeps the lesson from being sent, one message each, in the UI language: what the server
 * would refuse (the same checks, from `@cosmo/core`: a bad language code, the spoken language as
 * a translation, a line count that differs from the lesson's sentences, too many languages or
 * characters), and a request larger than the server takes from a moderator (`maxBytes`).
 */
export function lessonProblems(draft: LessonDraft, t: T, maxBytes: number): string[] {
  const lesson = draftLesson(draft);
  const problems: string[] = [];
  // Measured as sent: the whole setLesson frame, with the largest id it could carry.
  const size = encodeClientFrame({ id: 0xffffffff, setLesson: lesson }).length;
  if (size > maxBytes)
    problems.push(
      reasonMessage(t, 'LESSON_TOO_LARGE', { size: String(size), max: String(maxBytes) })!,
    );
  for (const { reason, params } of problemsOf(lesson))
    problems.push(reasonMessage(t, reason, params)!);
  return problems;
}

/** Each lesson sentence beside its reviewed translations, so the teacher checks them before class. */
function renderPreview(draft: LessonDraft, t: T): TemplateResult | typeof nothing {
  const sentences = splitLessonSentences(draft.text);
  const given = givenTranslations(draft).map((r) => ({
    language: r.language,
    lines: splitTranslationLines(r.lines),
  }));
  if (sentences.length === 0 || given.length === 0) return nothing;
  const rows = Math.max(sentences.length, ...given.map((g) => g.lines.length));
  const cell = (text: string | undefined, lang?: string) =>
    text === undefined
      ? html`<td class="missing">—</td>`
      : html`<td lang=${lang ?? nothing}>${text}</td>`;
  return html`<div class="preview">
    <table part="lesson-preview">
      <caption>
        ${t('preview')}
      </caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">${t('sentence')}</th>
          ${given.map(
            (g) =>
              html`<th scope="col" lang=${isLanguageTag(g.language) ? g.language : nothing}>
                ${nativeLanguageName(g.language)}
              </th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${Array.from(
          { length: rows },
          (_, i) =>
            html`<tr>
              <th scope="row">${i + 1}</th>
              ${cell(sentences[i])}
              ${given.map((g) => cell(g.lines[i], isLanguageTag(g.language) ? g.language : undefined))}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The teacher's lesson: text, spoken language, glossary, reviewed translations and their preview. */
function renderLessonForm(room: ClassroomController, t: T): TemplateResult {
  const draft = room.lessonDraft;
  const edit = (patch: Partial<LessonDraft>) => room.editLessonDraft({ ...draft, ...patch });
  const editRow = (i: number, patch: Partial<LessonDraft['translations'][number]>) =>
    edit({
      translations: draft.translations.map((r, j) => (j === i ? { ...r, ...patch } : r)),
    });
  const maxBytes = room.client?.limits.maxLessonBytes ?? 0;
  const problems = lessonProblems(draft, t, maxBytes || Infinity);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void room.run((c) => c.request('setLesson', draftLesson(draft)));
  };
  const languages: [string, string][] = [
    ['en', 'English'],
    ['ja', '日本語'],
    ['zh', '中文'],
  ];
  // A lesson set by code may be in a language the menu does not list: it is kept, not changed.
  if (!languages.some(([code]) => code === draft.language))
    languages.push([draft.language, nativeLanguageName(draft.language)]);
  const on = (room.classroom?.captionLanguages.length ?? 0) > 0;
  return html`<form class="lesson" @submit=${submit}>
    <label
      >${t('lessonText')}
      <textarea
        name="lesson"
        rows="5"
        required
        placeholder=${t('lessonHint')}
        .value=${draft.text}
        @input=${(e: Event) => edit({ text: (e.target as HTMLTextAreaElement).value })}
      ></textarea>
    </label>
    <label
      >${t('spokenLanguage')}
      <select
        name="language"
        @change=${(e: Event) => edit({ language: (e.target as HTMLSelectElement).value })}
      >
        ${languages.map(
          ([code, name]) =>
            html`<option value=${code} .selected=${code === draft.language}>${name}</option>`,
        )}
      </select>
    </label>
    <label
      >${t('glossary')}
      <textarea
        name="glossary"
        rows="2"
        placeholder="optics = óptica"
        .value=${draft.glossary}
        @input=${(e: Event) => edit({ glossary: (e.target as HTMLTextAreaElement).value })}
      ></textarea>
    </label>
    <fieldset class="translations">
      <legend>${t('translations')}</legend>
      ${draft.translations.map(
        (r, i) =>
          html`<div class="translation" data-index=${i}>
            <input
              name="translation-language-${i}"
              aria-label=${t('translationLanguage')}
              placeholder=${t('translationLanguage')}
              autocomplete="off"
              .value=${r.language}
              @input=${(e: Event) => editRow(i, { language: (e.target as HTMLInputElement).value })}
            />
            <button
              class="small button"
              type="button"
              @click=${() => edit({ translations: draft.translations.filter((_, j) => j !== i) })}
            >
              ${t('removeLanguage')}
            </button>
            <textarea
              name="translation-lines-${i}"
              rows="3"
              aria-label="${t('translationLines')} ${r.language}"
              lang=${isLanguageTag(r.language.trim()) ? r.language.trim() : nothing}
              .value=${r.lines}
              @input=${(e: Event) => editRow(i, { lines: (e.target as HTMLTextAreaElement).value })}
            ></textarea>
          </div>`,
      )}
      <button
        class="small button"
        type="button"
        data-action="add-translation"
        @click=${() => edit({ translations: [...draft.translations, { language: '', lines: '' }] })}
      >
        ${t('addLanguage')}
      </button>
    </fieldset>
    ${
      problems.length
        ? html`<ul class="problems" role="status">
            ${problems.map((p) => html`<li>${p}</li>`)}
          </ul>`
        : nothing
    }
    ${renderPreview(draft, t)}
    <button class="small button" type="submit" ?disabled=${problems.length > 0}>
      ${on ? t('updateCaptions') : t('startCaptions')}
    </button>
  </form>`;
}

/**
 * The captions tab: for the teacher, the lesson text that tunes recognition (with a glossary and
 * reviewed translations); for everyone, the transcript of what they read. `ui` is the element's
 * UI language.
 */
export function renderCaptionsPanel(room: ClassroomController, t: T, ui: string): TemplateResult {
  return html`${room.moderator ? renderLessonForm(room, t) : nothing}
    <h3>${t('transcript')}</h3>
    ${renderTranscript(room, t, ui)}`;
}
