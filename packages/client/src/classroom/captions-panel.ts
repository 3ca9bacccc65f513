import { html, nothing, type TemplateResult } from 'lit';
import type { ClassroomController } from './classroom.controller.js';
import type { MessageKey } from './i18n.js';

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

/** The captions read so far, with their time in the lecture, and a button to save them. */
function renderTranscript(room: ClassroomController, t: T): TemplateResult {
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
            title=${l.uncertain ? t('unsure') : nothing}
          >
            <span class="role">${clock(l.atMs)}</span>
            ${l.uncertain ? unsureHint(t('unsure')) : nothing}${l.text}
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

/**
 * The captions tab: for the teacher, the lesson text that tunes recognition (and a glossary);
 * for everyone, the transcript of what they read.
 */
export function renderCaptionsPanel(room: ClassroomController, t: T): TemplateResult {
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = (name: string) =>
      (form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement).value;
    void room.run((c) =>
      c.request('setLesson', {
        text: value('lesson'),
        language: value('language'),
        glossary: parseGlossary(value('glossary')),
      }),
    );
  };
  const on = (room.classroom?.captionLanguages.length ?? 0) > 0;
  return html`${
      room.moderator
        ? html`<form class="lesson" @submit=${submit}>
            <label
              >${t('lessonText')}
              <textarea name="lesson" rows="5" required placeholder=${t('lessonHint')}></textarea>
            </label>
            <label
              >${t('spokenLanguage')}
              <select name="language">
                <option value="en">English</option>
                <option value="ja">日本語</option>
                <option value="zh">中文</option>
              </select>
            </label>
            <label
              >${t('glossary')}
              <textarea name="glossary" rows="2" placeholder="optics = óptica"></textarea>
            </label>
            <button class="small button" type="submit">
              ${on ? t('updateCaptions') : t('startCaptions')}
            </button>
          </form>`
        : nothing
    }
    <h3>${t('transcript')}</h3>
    ${renderTranscript(room, t)}`;
}
