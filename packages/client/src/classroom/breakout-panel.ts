import { html, nothing, type TemplateResult } from 'lit';
import type { BreakoutInfo } from '../Breakout.js';
import type { ClassroomController } from './classroom.controller.js';
import type { MessageKey } from './i18n.js';
import { fill } from './polls-panel.js';
import {
  countdown,
  type BreakoutController,
  type BreakoutDraft,
  type BreakoutFormMode,
} from './breakout.controller.js';

type T = (key: MessageKey) => string;

const MODES: [BreakoutFormMode, MessageKey][] = [
  ['random', 'breakoutRandom'],
  ['manual', 'breakoutManual'],
  ['choose', 'breakoutChoose'],
];

/** "Room 2" in the UI language (the name the rooms get when the teacher opens them). */
function roomName(t: T, index: number): string {
  return fill(t('breakoutRoomN'), { n: index + 1 });
}

/**
 * Moderators' breakout rooms (at the top of the people tab). Before: how many rooms, how to split, how long, and in manual
 * mode who goes where. While it runs: the countdown, "+5 min", a message to every room, each
 * room with who is in it and a Visit button, and "call everyone back".
 */
export function renderBreakoutPanel(
  room: ClassroomController,
  breakouts: BreakoutController,
  t: T,
): TemplateResult | typeof nothing {
  if (!room.moderator) return nothing;
  const breakout = breakouts.breakout;
  // Folded while no breakout runs, so the people list stays at hand; open while one does.
  return html`<details
    part="breakout"
    class="breakout"
    ?open=${Boolean(breakout) || breakouts.panelOpen}
    @toggle=${(e: Event) => {
      if (!breakout) breakouts.setPanelOpen((e.target as HTMLDetailsElement).open);
    }}
  >
    <summary>
      ${t('breakoutRooms')}
      ${
        breakout
          ? html`<time class="breakout-summary-time"
              >${countdown(breakout.endsAt, Date.now())}</time
            >`
          : nothing
      }
    </summary>
    ${
      // Folded, the form is not rendered at all (Chromium keeps a folded section's boxes, and
      // the page's own layout checks then find its fields under the people list).
      breakout
        ? renderRunning(room, breakouts, breakout, t)
        : breakouts.panelOpen
          ? renderSetup(room, breakouts, t)
          : nothing
    }
  </details>`;
}

function renderSetup(room: ClassroomController, breakouts: BreakoutController, t: T) {
  const draft = breakouts.draft;
  const edit = (change: Partial<BreakoutDraft>) => breakouts.editDraft({ ...draft, ...change });
  const students = room.others.filter((p) => p.role === 'student');
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void breakouts.start(Array.from({ length: draft.rooms }, (_, i) => roomName(t, i)));
  };
  const count = (e: Event) => Math.max(1, Math.round(Number((e.target as HTMLInputElement).value)));
  return html`<form class="breakout-form" @submit=${submit}>
    <div class="breakout-fields">
      <label
        >${t('breakoutRoomCount')}
        <input
          name="rooms"
          type="number"
          min="1"
          max="50"
          required
          .value=${String(draft.rooms)}
          @change=${(e: Event) => edit({ rooms: count(e) })}
      /></label>
      <label
        >${t('breakoutMinutes')}
        <input
          name="minutes"
          type="number"
          min="1"
          max="240"
          required
          .value=${String(draft.minutes)}
          @change=${(e: Event) => edit({ minutes: count(e) })}
      /></label>
    </div>
    <fieldset class="checks">
      <legend>${t('breakoutMode')}</legend>
      ${MODES.map(
        ([mode, key]) =>
          html`<label
            ><input
              type="radio"
              name="mode"
              value=${mode}
              .checked=${draft.mode === mode}
              @change=${() => edit({ mode })}
            />${t(key)}</label
          >`,
      )}
    </fieldset>
    ${
      draft.mode === 'manual' && students.length
        ? html`<ul class="assign" aria-label=${t('breakoutManual')}>
            ${students.map((p) => {
              const at = draft.assignments[p.identity] ?? -1;
              return html`<li>
                <label
                  ><span>${p.name}</span>
                  <select
                    data-identity=${p.identity}
                    @change=${(e: Event) =>
                      edit({
                        assignments: {
                          ...draft.assignments,
                          [p.identity]: Number((e.target as HTMLSelectElement).value),
                        },
                      })}
                  >
                    <option value="-1" ?selected=${at < 0}>${t('breakoutMainRoom')}</option>
                    ${Array.from(
                      { length: draft.rooms },
                      (_, i) =>
                        html`<option value=${i} ?selected=${at === i}>${roomName(t, i)}</option>`,
                    )}
                  </select></label
                >
              </li>`;
            })}
          </ul>`
        : nothing
    }
    ${students.length ? nothing : html`<p class="role">${t('breakoutNoStudents')}</p>`}
    <button class="primary" type="submit" ?disabled=${room.state !== 'connected'}>
      ${t('breakoutStart')}
    </button>
  </form>`;
}

function renderRunning(
  room: ClassroomController,
  breakouts: BreakoutController,
  breakout: BreakoutInfo,
  t: T,
) {
  const here = breakouts.current?.id ?? '';
  const send = (e: SubmitEvent) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void breakouts.send(text);
  };
  return html`<div class="breakout-running">
    <div class="breakout-timer">
      <span>${t('breakoutTimeLeft')}</span>
      <time data-ends-at=${breakout.endsAt} datetime=${new Date(breakout.endsAt).toISOString()}
        >${countdown(breakout.endsAt, Date.now())}</time
      >
      <button
        class="small"
        data-extend
        title=${t('breakoutExtendLabel')}
        @click=${() => void breakouts.extend()}
      >
        ${t('breakoutExtend')}
      </button>
    </div>
    <form class="breakout-message" @submit=${send}>
      <input
        name="text"
        maxlength="500"
        aria-label=${t('breakoutMessageLabel')}
        placeholder=${t('breakoutMessageLabel')}
      />
      <button type="submit">${t('send')}</button>
    </form>
    <ul class="breakout-rooms">
      ${breakout.rooms.map(
        (r) =>
          html`<li data-room=${r.id} aria-current=${r.id === here ? 'location' : nothing}>
            <div class="breakout-room-head">
              <b>${r.name}</b>
              ${
                r.id === here
                  ? html`<span class="role">${t('breakoutYouAreHere')}</span>`
                  : html`<button
                      class="small"
                      data-visit=${r.id}
                      aria-label="${t('breakoutVisit')}: ${r.name}"
                      ?disabled=${room.state !== 'connected'}
                      @click=${() => void breakouts.visit(r.id)}
                    >
                      ${t('breakoutVisit')}
                    </button>`
              }
            </div>
            ${
              r.identities.length
                ? html`<ul class="breakout-people">
                    ${r.identities.map((id) => html`<li>${breakouts.nameOf(id)}</li>`)}
                  </ul>`
                : html`<p class="role">${t('breakoutEmpty')}</p>`
            }
          </li>`,
      )}
    </ul>
    <div class="breakout-actions">
      ${
        here
          ? html`<button data-back @click=${() => void breakouts.visit('')}>
              ${t('breakoutBack')}
            </button>`
          : nothing
      }
      <button class="danger" data-call-back @click=${() => void breakouts.end()}>
        ${t('breakoutCallBack')}
      </button>
    </div>
  </div>`;
}

/**
 * Over the stage while a breakout runs: the room one is in and the time left; in the main room,
 * that rooms are open (in choose mode, the rooms to pick). Moderators use the tab instead.
 */
export function renderBreakoutBanner(
  room: ClassroomController,
  breakouts: BreakoutController,
  t: T,
): TemplateResult | typeof nothing {
  const breakout = breakouts.breakout;
  if (!breakout) return nothing;
  const current = breakouts.current;
  if (room.moderator && !current) return nothing;
  const left = html`<time data-ends-at=${breakout.endsAt} aria-label=${t('breakoutTimeLeft')}
    >${countdown(breakout.endsAt, Date.now())}</time
  >`;
  const pick = !current && breakout.mode === 'choose' && !room.moderator;
  return html`<div
    part="breakout-banner"
    class="breakout-banner"
    role="region"
    aria-label=${t('breakoutRooms')}
  >
    <span class="breakout-where"
      >${current ? fill(t('breakoutYouAreIn'), { room: current.name }) : t('breakoutOpen')}</span
    >
    ${left}
    ${
      pick
        ? html`<div class="breakout-pick" role="group" aria-label=${t('breakoutPick')}>
            ${breakout.rooms.map(
              (r) =>
                html`<button
                  class="small"
                  data-choose=${r.id}
                  @click=${() => void breakouts.choose(r.id)}
                >
                  ${fill(t('breakoutJoinRoom'), { room: r.name })}
                </button>`,
            )}
          </div>`
        : nothing
    }
  </div>`;
}

/** The moderators' message to the rooms, until dismissed. */
export function renderBreakoutMessage(
  breakouts: BreakoutController,
  t: T,
): TemplateResult | typeof nothing {
  const message = breakouts.message;
  if (!message) return nothing;
  return html`<div part="toast" class="toast info" role="alert" data-breakout-message>
    <span
      ><b>${fill(t('breakoutMessageFrom'), { name: message.fromName })}:</b> ${message.text}</span
    >
    <button class="small" @click=${() => breakouts.dismissMessage()}>${t('dismiss')}</button>
  </div>`;
}
