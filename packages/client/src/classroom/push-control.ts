import { html, nothing, type TemplateResult } from 'lit';
import type { MessageKey } from './i18n.js';
import type { NoticePushController } from './notice-push.controller.js';

type T = (key: MessageKey) => string;

/** What each state says under the inbox's "Notify me on this device". */
const STATUS: Record<string, MessageKey> = {
  on: 'pushOn',
  blocked: 'pushBlocked',
  unsupported: 'pushUnsupported',
  unavailable: 'pushUnavailable',
  failed: 'pushFailed',
};

/**
 * The inbox's notification switch for this device (only when the page names a service worker):
 * a button that asks the person, and what came of it, in the UI language.
 */
export function renderPushControl(
  push: NoticePushController,
  t: T,
): TemplateResult | typeof nothing {
  const state = push.state;
  if (state === undefined) return nothing;
  const status = STATUS[state];
  const canTurnOn = state === 'off' || state === 'failed';
  return html`<div class="push" part="push" data-push=${state}>
    ${
      state === 'on'
        ? html`<button class="small" @click=${() => void push.disable()}>
            ${t('pushTurnOff')}
          </button>`
        : canTurnOn || state === 'busy'
          ? html`<button
              class="small"
              ?disabled=${state === 'busy'}
              @click=${() => void push.enable()}
            >
              ${t('pushTurnOn')}
            </button>`
          : nothing
    }
    <span class="role">${status ? t(status) : t('pushHint')}</span>
  </div>`;
}
