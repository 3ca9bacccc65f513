import { html, nothing, type TemplateResult } from 'lit';
import type {
  DeviceKind,
  DeviceProblem,
  MediaPreviewController,
} from './media-preview.controller.js';
import type { MessageKey } from './i18n.js';
import './cosmo-video.js';

type T = (key: MessageKey) => string;

/** What the pre-join screen needs beyond the preview. */
export interface PrejoinUi {
  /** Who one joins as (the token's name). */
  name: string;
  /** A student: the teacher turns media on, so the screen says the choice waits for that. */
  student: boolean;
  join(): void;
}

const problemText: Record<DeviceProblem, MessageKey> = {
  denied: 'deviceBlocked',
  missing: 'deviceMissing',
  busy: 'deviceBusy',
};

/**
 * The pre-join screen: one's camera preview and microphone level, a switch and a device list
 * for each, what to do when a device fails, and Join. The name comes from the token, so it is
 * shown, not asked for.
 */
export function renderPrejoin(p: MediaPreviewController, t: T, ui: PrejoinUi): TemplateResult {
  const row = (kind: DeviceKind) => {
    const state = p[kind];
    const label = t(kind);
    const list = p.devices.filter(
      (d) => d.kind === (kind === 'camera' ? 'videoinput' : 'audioinput') && d.deviceId,
    );
    return html`<div class="device">
      <button
        aria-pressed=${state.on && !state.problem}
        data-action="prejoin-${kind}"
        @click=${() => p.toggle(kind)}
      >
        ${label}
      </button>
      <select
        aria-label=${label}
        data-device=${kind}
        ?disabled=${list.length === 0}
        @change=${(e: Event) => p.choose(kind, (e.target as HTMLSelectElement).value)}
      >
        ${
          list.length === 0
            ? html`<option>${t('noDevice')}</option>`
            : list.map(
                (d, i) =>
                  html`<option value=${d.deviceId} ?selected=${d.deviceId === state.deviceId}>
                    ${d.label || `${label} ${i + 1}`}
                  </option>`,
              )
        }
      </select>
    </div>`;
  };
  const failed = (['camera', 'microphone'] as const).filter((k) => p[k].problem);
  return html`<section part="prejoin" class="prejoin" aria-labelledby="prejoin-title">
    <h2 id="prejoin-title">${t('preJoinTitle')}</h2>
    <div part="prejoin-preview" class="preview" role="img" aria-label=${t('cameraPreview')}>
      ${
        p.camera.track
          ? html`<cosmo-video .track=${p.camera.track} mirror></cosmo-video>`
          : html`<span class="initial">${ui.name.slice(0, 1).toUpperCase()}</span>`
      }
      ${ui.name ? html`<span class="name">${ui.name}</span>` : nothing}
    </div>
    <meter part="level" min="0" max="1" .value=${p.level} aria-label=${t('microphone')}></meter>
    ${row('camera')} ${row('microphone')}
    ${
      failed.length
        ? html`<div class="problem" role="alert">
            ${failed.map((k) => html`<p><b>${t(k)}:</b> ${t(problemText[p[k].problem!])}</p>`)}
            <button class="small" data-action="retry" @click=${() => p.retry()}>
              ${t('retry')}
            </button>
          </div>`
        : nothing
    }
    ${ui.student ? html`<p class="hint">${t('speakHint')}</p>` : nothing}
    <button class="primary" data-action="join" @click=${ui.join}>${t('join')}</button>
  </section>`;
}
