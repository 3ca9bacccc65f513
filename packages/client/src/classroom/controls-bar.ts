import { html, nothing, type TemplateResult } from 'lit';
import type { ClassroomController } from './classroom.controller.js';
import type { MessageKey } from './i18n.js';

type T = (key: MessageKey) => string;

/** What the control bar needs from the element beyond the classroom itself. */
export interface ControlsUi {
  /** Whether the class tools menu is open (narrow layouts fold the moderator tools into it). */
  toolsOpen: boolean;
  toggleTools(): void;
  /** Closes the class tools menu (after one of its actions). */
  closeTools(): void;
  /** Asks the teacher before ending the class for everyone. */
  confirmEnd(): void;
  /** Moderators: the Record toggle, among the class tools. */
  record?: TemplateResult;
  /** Moderators: the Board toggle (the board on stage for everyone), among the class tools. */
  board?: TemplateResult;
  /** The reaction buttons, after one's own media and hand. */
  reactions?: TemplateResult;
}

/**
 * Toggle buttons keep one name and say their state with `aria-pressed` (a name that flips
 * between "Mute" and "Unmute" leaves a screen reader user unsure which state is meant).
 *
 * The control bar: one's own media and hand on the left, the moderator's class tools in a group
 * of their own (a menu on narrow screens), and Leave apart at the end. End class is not red and
 * not beside Leave, and it asks first.
 */
export function renderControls(room: ClassroomController, t: T, ui: ControlsUi): TemplateResult {
  const self = room.self;
  const local = room.client?.localTracks;
  const mic = local?.get('microphone');
  const cam = local?.get('camera');
  const screen = local?.get('screen');
  const joined = room.state === 'connected';
  const toggleMic = () =>
    room.run(async (c) => {
      room.mutedByModerator = false;
      if (!mic) await c.publishMicrophone(room.chosen.microphone?.deviceId);
      else await c.setMuted('microphone', !mic.paused);
    });
  const toggleCam = () =>
    room.run((c) => (cam ? c.unpublish('camera') : c.publishCamera(room.chosen.camera?.deviceId)));
  const toggleScreen = () => room.run((c) => (screen ? c.unpublish('screen') : c.publishScreen()));
  const hand = () => room.run((c) => (self?.handRaised ? c.lowerHand() : c.raiseHand()));
  const micLive = !!mic && !mic.paused;
  // A student whose buttons are greyed out is told why, next to them (and to screen readers).
  const needsHint =
    joined &&
    !room.moderator &&
    !!self &&
    !(self.permissions.speak && self.permissions.video && self.permissions.screen);
  const hint = needsHint ? 'speak-hint' : nothing;
  const escape = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && ui.toolsOpen) ui.closeTools();
  };
  return html`<footer part="controls" @keydown=${escape}>
    <div class="group" role="group">
      <button
        aria-pressed=${micLive}
        aria-describedby=${hint}
        ?disabled=${!joined || !self?.permissions.speak}
        @click=${toggleMic}
        data-action="mic"
      >
        ${t('microphone')}
      </button>
      <button
        aria-pressed=${!!cam}
        aria-describedby=${hint}
        ?disabled=${!joined || !self?.permissions.video}
        @click=${toggleCam}
        data-action="camera"
      >
        ${t('camera')}
      </button>
      <button
        aria-pressed=${!!screen}
        aria-describedby=${hint}
        ?disabled=${!joined || !self?.permissions.screen}
        @click=${toggleScreen}
        data-action="screen"
      >
        ${t('share')}
      </button>
      ${
        self?.role === 'student' || self?.role === 'assistant'
          ? html`<button
              aria-pressed=${!!self?.handRaised}
              ?disabled=${!joined}
              @click=${hand}
              data-action="hand"
            >
              ${t('raiseHand')}
            </button>`
          : nothing
      }
    </div>
    ${ui.reactions ?? nothing} ${room.moderator ? renderTools(room, t, ui, joined) : nothing}
    <button
      class="danger"
      ?disabled=${room.state === 'closed' || room.state === 'idle'}
      @click=${() => room.disconnect()}
      data-action="leave"
    >
      ${t('leave')}
    </button>
    ${needsHint ? html`<p id="speak-hint" class="hint">${t('speakHint')}</p>` : nothing}
  </footer>`;
}

function renderTools(
  room: ClassroomController,
  t: T,
  ui: ControlsUi,
  joined: boolean,
): TemplateResult {
  return html`<button
      class="tools-toggle"
      aria-expanded=${ui.toolsOpen}
      aria-controls="class-tools"
      @click=${() => ui.toggleTools()}
      data-action="tools"
    >
      ${t('more')}
    </button>
    <div
      id="class-tools"
      class="group tools ${ui.toolsOpen ? 'open' : ''}"
      role="group"
      aria-label=${t('moreTools')}
      @click=${(e: Event) => {
        if ((e.target as HTMLElement).closest('button')) ui.closeTools();
      }}
    >
      <button
        ?disabled=${!joined}
        @click=${() => room.run((c) => c.mute('all'))}
        data-action="mute-all"
      >
        ${t('muteAll')}
      </button>
      <button
        ?disabled=${!joined}
        @click=${() => room.run((c) => c.lowerHand('', true))}
        data-action="lower-hands"
      >
        ${t('lowerHands')}
      </button>
      <button
        ?disabled=${!joined}
        @click=${() => room.run((c) => c.lockRoom(!room.classroom?.locked))}
        data-action="lock"
      >
        ${t(room.classroom?.locked ? 'unlock' : 'lock')}
      </button>
      ${ui.board ?? nothing} ${ui.record ?? nothing}
      <button
        class="caution"
        ?disabled=${!joined}
        @click=${() => ui.confirmEnd()}
        data-action="end"
      >
        ${t('endClass')}
      </button>
    </div>`;
}

/** The question asked before a class ends for everyone (a modal `<dialog>`). */
export function renderConfirmEnd(room: ClassroomController, t: T): TemplateResult {
  const close = (e: Event) => (e.target as HTMLElement).closest('dialog')?.close();
  return html`<dialog part="confirm-dialog" class="confirm" aria-labelledby="confirm-end-title">
    <h2 id="confirm-end-title">${t('confirmEndTitle')}</h2>
    <p>${t('confirmEndBody')}</p>
    <div class="actions">
      <button autofocus @click=${close} data-action="cancel-end">${t('cancel')}</button>
      <button
        class="danger"
        @click=${(e: Event) => {
          close(e);
          void room.run((c) => c.endClass());
        }}
        data-action="confirm-end"
      >
        ${t('endClass')}
      </button>
    </div>
  </dialog>`;
}
