import { html, nothing, type TemplateResult } from 'lit';
import type { WaitingRoomInfo } from '../WaitingRoom.js';
import type { ClassroomController } from './classroom.controller.js';
import type { MessageKey } from './i18n.js';
import type { TeachingController } from './teaching.controller.js';

type T = (key: MessageKey) => string;

/** A student in the waiting room: told what happens, with a way out. */
export function renderWaitingScreen(t: T, leave: () => void): TemplateResult {
  return html`<div part="waiting" class="ended waiting-screen" role="status" aria-live="polite">
    <div class="door" aria-hidden="true">${doorIcon}</div>
    <h2>${t('waitingRoomTitle')}</h2>
    <p class="role">${t('waitingRoomBody')}</p>
    <button @click=${leave} data-action="leave-waiting">${t('leave')}</button>
  </div>`;
}

/** A student a teacher did not let in: final, but they may knock again. */
export function renderRefusedScreen(t: T, again: () => void): TemplateResult {
  return html`<div part="waiting" class="ended waiting-screen" role="alert">
    <h2>${t('refused')}</h2>
    <button class="primary" @click=${again} data-action="knock-again">${t('knockAgain')}</button>
  </div>`;
}

/** "2 min" since someone started waiting. */
export function waitedFor(t: T, since: number, now: number): string {
  const minutes = Math.max(0, Math.floor((now - since) / 60_000));
  return minutes < 1 ? t('justNow') : t('waitedMinutes').replace('{n}', String(minutes));
}

/**
 * Moderators: the waiting room at the top of the people tab: on or off, roster students straight
 * in, the knock, and who waits (on the roster or not) with Admit, Refuse and Admit all.
 */
export function renderWaitingList(
  room: ClassroomController,
  teaching: TeachingController,
  t: T,
): TemplateResult | typeof nothing {
  const client = room.client;
  if (!client || !room.moderator) return nothing;
  const w: WaitingRoomInfo = client.waitingRoom ?? {
    enabled: false,
    admitRoster: false,
    waiting: [],
  };
  const set = (enabled: boolean, admitRoster: boolean) =>
    room.run((c) => c.setWaitingRoom(enabled, admitRoster));
  const now = Date.now();
  return html`<section part="waiting-list" class="waiting-room" aria-labelledby="waiting-title">
    <h3 id="waiting-title">
      ${t('waitingRoom')}${w.waiting.length ? ` (${w.waiting.length})` : ''}
    </h3>
    <div class="switches">
      <label
        ><input
          type="checkbox"
          role="switch"
          data-action="waiting-room"
          .checked=${w.enabled}
          @change=${(e: Event) => set((e.target as HTMLInputElement).checked, w.admitRoster)}
        />
        ${t('waitingRoomOn')}</label
      >
      <label
        ><input
          type="checkbox"
          role="switch"
          data-action="admit-roster"
          .checked=${w.admitRoster}
          ?disabled=${!w.enabled}
          @change=${(e: Event) => set(w.enabled, (e.target as HTMLInputElement).checked)}
        />
        ${t('admitRoster')}</label
      >
      <label
        ><input
          type="checkbox"
          role="switch"
          data-action="knock"
          .checked=${!teaching.knockMuted}
          @change=${(e: Event) => teaching.setKnockMuted(!(e.target as HTMLInputElement).checked)}
        />
        ${t('knockSound')}</label
      >
    </div>
    ${
      w.waiting.length === 0
        ? w.enabled
          ? html`<p class="role">${t('nobodyWaiting')}</p>`
          : nothing
        : html`<ul aria-label=${t('waitingRoom')}>
              ${w.waiting.map(
                (p) =>
                  html`<li class="person" data-waiting=${p.identity}>
                    <span class="who">
                      <span class="line"><span class="person-name">${p.name}</span></span>
                      <span class="role"
                        ><span class="tag ${p.onRoster ? 'roster' : 'guest'}"
                          >${t(p.onRoster ? 'onRoster' : 'notOnRoster')}</span
                        >
                        ${waitedFor(t, p.since, now)}</span
                      >
                    </span>
                    <span class="actions">
                      <button
                        class="small primary"
                        aria-label="${t('admit')} ${p.name}"
                        @click=${() => room.run((c) => c.admit([p.identity]))}
                      >
                        ${t('admit')}
                      </button>
                      <button
                        class="small"
                        aria-label="${t('refuse')} ${p.name}"
                        @click=${() => room.run((c) => c.refuse(p.identity))}
                      >
                        ${t('refuse')}
                      </button>
                    </span>
                  </li>`,
              )}
            </ul>
            ${
              w.waiting.length > 1
                ? html`<button
                    class="small"
                    data-action="admit-all"
                    @click=${() => room.run((c) => c.admit('all'))}
                  >
                    ${t('admitAll')} (${w.waiting.length})
                  </button>`
                : nothing
            }`
    }
  </section>`;
}

const doorIcon = html`<svg viewBox="0 0 24 24" width="56" height="56" aria-hidden="true">
  <path
    fill="currentColor"
    d="M5 21V4a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v1h2a1 1 0 0 1 1 1v15h2v2H3v-2h2zm11-14v14h1V7h-1zM7 5v16h7V5H7zm5 7h1.5v2H12v-2z"
  />
</svg>`;
