import { html, nothing, svg, type TemplateResult } from 'lit';
import { ErrorCode } from '@cosmo/core';
import { keyed } from 'lit/directives/keyed.js';
import type { RecordingInfo } from '../RecordingsApi.js';
import type { ClassroomController } from './classroom.controller.js';
import { errorMessage } from './error-messages.js';
import type { MessageKey, UiLanguage } from './i18n.js';
import { nativeLanguageName } from './language-names.js';
import {
  clock,
  defaultCaptionLanguage,
  type RecordingsController,
} from './recordings.controller.js';

type T = (key: MessageKey) => string;

// Icons are inline SVG: emoji fonts are missing on many school machines.
const recordingsIcon = svg`<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M4 5h12a2 2 0 0 1 2 2v2.5l4-2.5v10l-4-2.5V17a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2zm4 4v6l5-3z"/></svg>`;

/**
 * The Recordings tab's label: its name, or (`compact`, when the tab row is full) an icon with the
 * name for screen readers and as a tooltip.
 */
export function renderRecordingsTabLabel(label: string, compact: boolean): TemplateResult {
  if (!compact) return html`${label}`;
  return html`<span class="tab-icon" title=${label}>${recordingsIcon}</span
    ><span class="visually-hidden">${label}</span>`;
}

/**
 * The header's "● Recording" while the lecture is recorded (everyone sees it), and a live region
 * that tells screen readers when recording starts or stops.
 */
export function renderRecordingIndicator(rec: RecordingsController, t: T): TemplateResult {
  return html`${
      rec.state.active
        ? html`<span part="recording-indicator" class="badge recording" data-recording
            ><span class="dot" aria-hidden="true"></span>${t('recordingBadge')}</span
          >`
        : nothing
    }<span class="visually-hidden" aria-live="polite" data-recording-announcement
      >${rec.announcement ? t(rec.announcement) : ''}</span
    >`;
}

/** Moderators' Record toggle (in the class tools): one name, its state in `aria-pressed`. */
export function renderRecordButton(
  room: ClassroomController,
  rec: RecordingsController,
  t: T,
): TemplateResult {
  return html`<button
    aria-pressed=${rec.state.active}
    ?disabled=${room.state !== 'connected'}
    @click=${() => void rec.toggle()}
    data-action="record"
  >
    ${t('record')}
  </button>`;
}

/**
 * The Recordings tab: moderators' recording switch and download choice (kept at the top of the
 * panel as it scrolls), the recording being watched (Download and its setting above the video
 * with a subtitles track per language and a chapters track, chapters to jump to), and the
 * class's recordings with their state.
 */
export function renderRecordingsPanel(
  room: ClassroomController,
  rec: RecordingsController,
  t: T,
  language: UiLanguage,
): TemplateResult {
  return html`<section part="recordings" class="recordings">
    ${room.moderator ? renderSetup(room, rec, t) : nothing} ${renderLibrary(room, rec, t, language)}
  </section>`;
}

/**
 * On the ended class's screen: the class's recordings (nothing when it has none), so whoever
 * stays sees the lecture's recording published ("Publishing… NN%") and can watch it once ready.
 */
export function renderEndedRecordings(
  room: ClassroomController,
  rec: RecordingsController,
  t: T,
  language: UiLanguage,
): TemplateResult | typeof nothing {
  if (!rec.loaded || (rec.list.length === 0 && !rec.listError)) return nothing;
  return html`<section
    part="recordings"
    class="recordings ended-recordings"
    aria-labelledby="ended-recordings-title"
  >
    <h2 id="ended-recordings-title">${t('recordings')}</h2>
    ${renderLibrary(room, rec, t, language)}
  </section>`;
}

/** What the tab and the ended screen share: an error, the player, the list. */
function renderLibrary(
  room: ClassroomController,
  rec: RecordingsController,
  t: T,
  language: UiLanguage,
): TemplateResult {
  const selected = rec.selected;
  return html`${
    rec.listError
      ? html`<p class="recordings-error" role="alert">
          ${errorMessage(language, rec.listError)}
          <button class="small" @click=${() => void rec.load()}>${t('refresh')}</button>
        </p>`
      : nothing
  }
  ${selected?.status === 'ready' ? keyed(selected.id, renderPlayer(room, rec, t, language, selected)) : nothing}
  ${
    rec.loaded && rec.list.length === 0 && !rec.listError
      ? html`<p class="role" data-empty>${t('noRecordings')}</p>`
      : html`<ul part="recording-list" class="recording-list">
          ${rec.list.map((r) => renderItem(rec, t, language, r))}
        </ul>`
  }`;
}

function renderSetup(room: ClassroomController, rec: RecordingsController, t: T): TemplateResult {
  const active = rec.state.active;
  return html`<div class="record-setup">
    <label
      ><input
        type="checkbox"
        name="allowDownload"
        .checked=${rec.allowDownload}
        ?disabled=${active}
        @change=${(e: Event) => rec.setAllowDownloadNext((e.target as HTMLInputElement).checked)}
      />
      ${t('allowDownloadNext')}</label
    >
    <button
      class=${active ? 'danger' : 'primary'}
      ?disabled=${room.state !== 'connected'}
      @click=${() => void rec.toggle()}
      data-action="record-toggle"
    >
      ${t(active ? 'stopRecording' : 'startRecording')}
    </button>
  </div>`;
}

function renderItem(
  rec: RecordingsController,
  t: T,
  language: UiLanguage,
  r: RecordingInfo,
): TemplateResult {
  const date = r.startedAt
    ? new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
        r.startedAt,
      )
    : '';
  const percent = Math.round(r.progress * 100);
  const status =
    r.status === 'ready'
      ? clock(r.durationMs)
      : r.status === 'publishing'
        ? t('statusPublishing').replace('{percent}', String(percent))
        : t(
            (
              {
                recording: 'statusRecording',
                stopped: 'statusStopped',
                failed: 'statusFailed',
              } as const
            )[r.status],
          );
  const info = html`<span class="recording-title">${r.title || date}</span>
    <span class="role"
      >${r.title ? html`${date} · ` : nothing}<span class="status">${status}</span></span
    >
    ${
      r.status === 'publishing'
        ? html`<progress max="100" value=${percent} aria-label=${status}></progress>`
        : nothing
    }`;
  return html`<li class="recording" data-recording-id=${r.id} data-status=${r.status}>
    ${
      r.status === 'ready'
        ? html`<button
            class="recording-item"
            aria-pressed=${rec.selectedId === r.id}
            @click=${(e: Event) => {
              rec.select(r.id);
              // On a phone the panel is short: the player opens at its top, in view.
              const panel = (e.target as HTMLElement).closest('[part="recordings"]');
              requestAnimationFrame(() =>
                panel
                  ?.querySelector('[part="recording-player"]')
                  ?.scrollIntoView({ block: 'nearest' }),
              );
            }}
          >
            ${info}
          </button>`
        : html`<div class="recording-item">${info}</div>`
    }
  </li>`;
}

function renderPlayer(
  room: ClassroomController,
  rec: RecordingsController,
  t: T,
  language: UiLanguage,
  r: RecordingInfo,
): TemplateResult {
  const api = room.client!.recording;
  const shown = defaultCaptionLanguage(r.languages, room.self?.captionLanguage ?? '');
  const seek = (e: Event, atMs: number) => {
    const video = (e.target as HTMLElement)
      .closest('[part="recording-player"]')
      ?.querySelector('video');
    if (!video) return;
    video.currentTime = atMs / 1000;
    void video.play().catch(() => undefined);
  };
  const refused = rec.downloadError?.id === r.id ? rec.downloadError.code : '';
  // Its teachers may always download it; students once a teacher allows it.
  const downloadable = r.allowDownload || rec.moderator;
  // Download and its setting come first: on a phone they stay in reach above the video.
  return html`<div part="recording-player" class="recording-player" data-recording-id=${r.id}>
    ${
      downloadable || rec.moderator || refused
        ? html`<div class="player-actions">
            ${
              downloadable
                ? html`<button
                    class="small"
                    part="recording-download"
                    @click=${() => void rec.download(r)}
                  >
                    ${t('download')}
                  </button>`
                : nothing
            }
            ${
              rec.moderator
                ? html`<label
                    ><input
                      type="checkbox"
                      name="recordingAllowDownload"
                      .checked=${r.allowDownload}
                      @change=${(e: Event) => void rec.setAllowDownload(r, (e.target as HTMLInputElement).checked)}
                    />
                    ${t('allowDownload')}</label
                  >`
                : nothing
            }
            ${
              refused
                ? html`<p class="recordings-error" role="alert" data-download-refused=${refused}>
                    ${refused === ErrorCode.PERMISSION_DENIED ? t('downloadRefused') : errorMessage(language, refused)}
                  </p>`
                : nothing
            }
          </div>`
        : nothing
    }
    <video
      part="recording-video"
      controls
      crossorigin="anonymous"
      preload="metadata"
      playsinline
      src=${api.mediaUrl(r)}
      aria-label=${r.title}
    >
      ${r.languages.map(
        (l) =>
          html`<track
            kind="subtitles"
            srclang=${l}
            label=${nativeLanguageName(l)}
            src=${api.captionsUrl(r, l)}
            ?default=${l === shown}
          />`,
      )}
      ${r.chapters.length ? html`<track kind="chapters" src=${api.chaptersUrl(r)} label=${t('chapters')} />` : nothing}
    </video>
    ${
      r.chapters.length
        ? html`<ol part="recording-chapters" class="chapters" aria-label=${t('chapters')}>
            ${r.chapters.map(
              (c) =>
                html`<li>
                  <button class="small" @click=${(e: Event) => seek(e, c.atMs)}>
                    <span class="at">${clock(c.atMs)}</span> ${c.title}
                  </button>
                </li>`,
            )}
          </ol>`
        : nothing
    }
  </div>`;
}
