import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ErrorCode, type ParticipantSummary, type Role } from '@cosmo/core';
import { ClassroomController, type Notice } from './classroom.controller.js';
import { NoticePushController } from './notice-push.controller.js';
import { renderPushControl } from './push-control.js';
import { peopleCount, pickLanguage, translator, type MessageKey, type UiLanguage } from './i18n.js';
import { errorText } from './error-messages.js';
import { renderConfirmEnd, renderControls } from './controls-bar.js';
import styles from './cosmo-classroom.styles.js';
import prejoinStyles from './prejoin.styles.js';
import teachingStyles from './teaching.styles.js';
import breakoutStyles from './breakout.styles.js';
import { MediaPreviewController } from './media-preview.controller.js';
import { renderPrejoin } from './prejoin.js';
import { tokenClaim } from '../tokenRole.js';
import { renderCaptionsPanel, unsureHint, untranslatedTag } from './captions-panel.js';
import { nativeLanguageName } from './language-names.js';
import { captionLineLength, captionLines, isWideLanguage, textWidth } from './caption-lines.js';
import { renderClassPanel, renderHandouts, renderInbox } from './school-panel.js';
import { TeachingController } from './teaching.controller.js';
import { renderPollsPanel } from './polls-panel.js';
import { BreakoutController } from './breakout.controller.js';
import {
  renderBreakoutBanner,
  renderBreakoutMessage,
  renderBreakoutPanel,
} from './breakout-panel.js';
import { renderFloatingReactions, renderReactionsBar } from './reactions.js';
import { renderRefusedScreen, renderWaitingList, renderWaitingScreen } from './waiting-room.js';
import { RecordingsController } from './recordings.controller.js';
import {
  renderRecordButton,
  renderRecordingIndicator,
  renderRecordingsTabLabel,
  renderRecordingsPanel,
  renderEndedRecordings,
} from './recordings-panel.js';
import recordingsStyles from './recordings.styles.js';
import { BoardController } from './board.controller.js';
import { renderBoardButton, renderBoardStage, renderDrawToggle } from './board-toolbar.js';
import boardStyles from './board.styles.js';
import './cosmo-video.js';

type Tab = 'chat' | 'people' | 'polls' | 'inbox' | 'handouts' | 'class' | 'captions' | 'recordings';

/**
 * A whole virtual classroom in one tag: the teacher on stage, the class in a paged grid, chat,
 * the participant list, captions, the notice inbox, and the controls each role may use.
 *
 * @event cosmo-prejoin-ready - The person pressed Join on the pre-join screen; the element connects now. `detail: { camera, microphone }`, each `{ on, deviceId }`.
 * @event cosmo-joined - Joined the class; `detail: { participantId, role, room }`.
 * @event cosmo-left - Left the class, or it ended; `detail: { reason }`.
 * @event cosmo-error - A request failed or the connection was lost; `detail: { code, message }`, and `reason` and `params` when the server said which refusal it was (e.g. `LINES_MISMATCH` with `{ language, lines, sentences }` for a lesson; the toast says it in the UI language).
 * @event cosmo-state-change - The connection state changed; `detail: { state }`.
 * @event cosmo-chat - A chat message arrived; `detail: { message }`.
 * @event cosmo-notification - A notice arrived; `detail: { notice }`.
 * @event cosmo-waiting - The classroom has a waiting room and this person waits in it (the element shows the waiting screen until a teacher lets them in, then `cosmo-joined`); `detail: {}`.
 * @event cosmo-poll-started - A teacher started a poll or quiz; `detail: { poll }` (students get no correct answers before it closes).
 * @event cosmo-breakout - A teacher opened breakout rooms; `detail: { breakout }` (`{ rooms, mode, endsAt, mainRoom }`).
 * @event cosmo-breakout-message - A teacher's message to every breakout room; `detail: { text, fromName }`.
 * @event cosmo-recording - A teacher started or stopped recording the class; `detail: { state }` (`{ active, recordingId, startedAt, allowDownload, byParticipantId }`).
 * @event cosmo-moved - The server moved this person to a breakout room or back to the main room; `detail: { room, roomName, reason }` ("breakout", "visit", "breakout_ended", "called_back").
 *
 * @csspart prejoin - The pre-join screen (with the `prejoin` attribute): preview, devices, Join.
 * @csspart prejoin-preview - One's camera preview on the pre-join screen.
 * @csspart level - The microphone level meter on the pre-join screen.
 * @csspart base - The whole layout.
 * @csspart header - Title, status and counts.
 * @csspart stage - The teacher's (or the shared screen's) large view.
 * @csspart captions - The caption on the stage, set as subtitles: its newest two lines at most, broken between words, each a `span.line` that never wraps again (`<br>` between them; the font shrinks when a line is wider than the box); `data-uncertain` when the recogniser was unsure of it (then dimmed and in italics, its unsure words shown as "…"); `data-untranslated` when it is in the spoken language although the reader picked another (then tagged "Not translated"); `lang` is the caption's language.
 * @csspart untranslated-tag - The "Not translated" tag before such a caption.
 * @csspart lesson-preview - The teacher's table of lesson sentences and their reviewed translations (captions tab).
 * @csspart caption-language - The captions language picker (shown when the lesson has captions).
 * @csspart grid - The tiles of the class.
 * @csspart tile - One participant's tile.
 * @csspart sidebar - Chat, people and inbox.
 * @csspart transcript - The captions read so far (the captions tab); each `li` has `data-uncertain` when the recogniser was unsure of it.
 * @csspart controls - The control bar.
 * @csspart reopen-button - The ended screen's button: "Start the class again" for a teacher, "Join
 * again" for a student (once the teacher has started it again).
 * @csspart push - The inbox's "Notify me on this device" switch and what came of it (`data-push`: `off`, `on`, `blocked`, `unsupported`, `unavailable`, `failed`); with the `service-worker` attribute.
 * @csspart toast - A message over the classroom: an error (with what to do next), a mute, an urgent notice.
 * @csspart confirm-dialog - The question asked before the teacher ends the class for everyone.
 * @csspart polls - The polls tab: the teacher's composer and live results, a student's poll cards.
 * @csspart breakout - Moderators' breakout rooms, at the top of the people tab: setting them up, then the timer, the rooms and who is in each.
 * @csspart breakout-banner - Over the stage while breakout rooms are open: the room one is in and the time left (in choose mode, the rooms to pick).
 * @csspart reactions - The reaction buttons in the control bar.
 * @csspart reactions-layer - The reactions floating over the stage.
 * @csspart reaction-counts - A moderator's counts of the reactions on screen.
 * @csspart waiting - A student's waiting-room screen (and the screen of one not let in).
 * @csspart waiting-list - A moderator's waiting room at the top of the people tab.
 * @csspart recording-indicator - The header's red dot and "Recording" while the class is recorded (everyone sees it; screen readers hear when it starts and stops).
 * @csspart recordings - The recordings tab: a teacher's Start/Stop recording and download choice, the player, the list; also the ended class's screen, where the class's recordings (their publishing progress, then the player) stay in reach.
 * @csspart recording-list - The class's recordings, each `li` with `data-status` (`recording`, `stopped`, `publishing` with a progress bar, `ready`, `failed`).
 * @csspart recording-player - The recording being watched: its video, chapters and download.
 * @csspart recording-video - The recording's `<video>` (subtitles in each caption language, chapters).
 * @csspart recording-chapters - The chapters of the recording being watched: click one to jump there.
 * @csspart recording-download - The Download button (shown when the teacher allows students to download): it asks the server first and says so beside it when refused; the page never navigates.
 * @csspart board - The shared board, on the stage while a moderator has put it there (the teacher's camera then shows as a tile of the class grid); `data-page` is the page shown, `data-locked` when students may not change it.
 * @csspart board-toolbar - The board's tools (for those who may draw), page turning and page actions (moderators), and PNG/PDF export (everyone, with the PDF's progress).
 * @csspart board-canvas - The board's page as drawn (a canvas kept at 16:9).
 * @csspart board-text - The text box a text is typed into on the board, where it will stand (input methods compose in it).
 * @csspart board-cursor - Another person's cursor on the board, with their name.
 *
 * @cssproperty --cosmo-bg - Page background.
 * @cssproperty --cosmo-surface - Panels and tiles.
 * @cssproperty --cosmo-fg - Text color.
 * @cssproperty --cosmo-muted - Secondary text.
 * @cssproperty --cosmo-accent - Highlights, active speaker, pressed buttons.
 * @cssproperty --cosmo-danger - Leave, end class, errors.
 * @cssproperty --cosmo-warning - Reconnecting, mutes, urgent notices, raised hands.
 * @cssproperty --cosmo-accent-strong - Background under white text (pressed buttons); by default the accent darkened to pass WCAG AA.
 * @cssproperty --cosmo-accent-text - Accent-coloured text (names in chat); by default the accent lightened to pass WCAG AA.
 * @cssproperty --cosmo-danger-strong - Background of Leave and error toasts; by default the danger colour darkened.
 * @cssproperty --cosmo-radius - Corner radius of tiles and panels.
 * @cssproperty --cosmo-gap - Space between the regions and between tiles.
 * @cssproperty --cosmo-sidebar-width - Width of the sidebar beside the stage (wide layouts).
 * @cssproperty --cosmo-tile-min - Smallest tile width of the class grid.
 * @cssproperty --cosmo-tile-bg - Behind a video that does not fill its box (the stage's letterbox).
 * @cssproperty --cosmo-prejoin-width - Widest the pre-join screen grows (default 520px).
 * @cssproperty --cosmo-font - Font stack (covers Japanese and Chinese by default).
 */
export class CosmoClassroom extends LitElement {
  static override styles = [
    styles,
    prejoinStyles,
    teachingStyles,
    breakoutStyles,
    recordingsStyles,
    boardStyles,
  ];

  static override properties = {
    serverUrl: { attribute: 'server-url' },
    token: {},
    lang: {},
    pageSize: { type: Number, attribute: 'page-size' },
    prejoin: { type: Boolean, reflect: true },
    serviceWorker: { attribute: 'service-worker' },
  };

  /** The server's WebSocket URL, e.g. `wss://cosmo.school.example/ws`. */
  declare serverUrl: string;
  /** A join token for this participant. */
  declare token: string;
  /** Tiles per page of the class grid. */
  declare pageSize: number;
  /**
   * Show the pre-join screen first (camera preview, microphone level, device choice, Join)
   * instead of joining as soon as `server-url` and `token` are set.
   */
  declare prejoin: boolean;
  /**
   * The notice service worker (`cosmo-sw.js` from the package's bundle) served from this page's
   * origin, e.g. `/cosmo-sw.js`: the inbox then offers "Notify me on this device" (Web Push of
   * urgent notices while the page is closed). Unset: no push from this page.
   */
  declare serviceWorker: string;

  readonly #room = new ClassroomController(this);
  readonly #push = new NoticePushController(this);
  readonly #preview = new MediaPreviewController(this);
  readonly #teaching = new TeachingController(this, this.#room);
  readonly #breakouts = new BreakoutController(this, this.#room);
  readonly #recordings = new RecordingsController(this, this.#room);
  readonly #board = new BoardController(this, this.#room);
  /** Whether the person pressed Join on the pre-join screen. */
  #joinPressed = false;
  readonly #tileWidths = new Map<string, number>();
  #lastVisible: Map<string, number> | undefined;

  constructor() {
    super();
    this.serverUrl = '';
    this.token = '';
    this.pageSize = 24;
    this.prejoin = false;
    this.serviceWorker = '';
  }

  /** @internal A notice opened from a push or an email: shown in the inbox. */
  showLinkedNotice(notice: Notice): void {
    this.#room.showLinkedNotice(notice);
    this.#selectTab('inbox');
  }

  #tab: Tab = 'chat';
  #page = 0;
  #toolsOpen = false;
  /** Whether the chat follows new messages (true unless the reader scrolled up to read). */
  #chatFollows = true;
  #chatSeen = 0;
  /** Urgent notices whose banner the reader closed. */
  readonly #bannerClosed = new Set<string>();
  /** The person dismissed the "media cannot get through" notice. */
  #mediaNoticeClosed = false;

  private get tab(): Tab {
    return this.#tab;
  }

  private set tab(tab: Tab) {
    this.#tab = tab;
    this.requestUpdate();
  }

  private get page(): number {
    return this.#page;
  }

  private set page(page: number) {
    this.#page = page;
    this.requestUpdate();
  }

  /** The underlying client, once connected (for embedders who need more than the UI). */
  get client() {
    return this.#room.client;
  }

  /** Fires a composed, bubbling `cosmo-*` event (the controller calls it). */
  emit(name: string, detail: unknown): void {
    fire(this, name, detail);
  }

  get #language(): UiLanguage {
    return pickLanguage(this.lang || document.documentElement.lang, navigator.languages ?? []);
  }

  #t(key: MessageKey): string {
    return translator(this.#language)(key);
  }

  /** Whether the pre-join screen is up (asked for, and Join not yet pressed). */
  get #showPrejoin(): boolean {
    return this.prejoin && !this.#joinPressed;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const target = changed.has('serverUrl') || changed.has('token');
    if ((target || changed.has('prejoin')) && this.serverUrl && this.token) {
      if (this.#showPrejoin) void this.#preview.start();
      else if (target || !this.#room.client) void this.#room.connect(this.serverUrl, this.token);
    }
    this.#reportVisibleVideos();
    this.#followChat();
    this.#fitCaption();
  }

  /**
   * Shrinks the stage caption's font when one of its lines is wider than the box: the lines are
   * the breaker's and never wrap again, and a font's real widths (digits, Latin capitals, "…" in a
   * CJK font) can pass the breaker's estimate. Checked on each caption, so it follows the text.
   */
  #fitCaption(): void {
    const box = this.renderRoot.querySelector<HTMLElement>('[part="captions"]');
    if (!box) return;
    box.style.removeProperty('--caption-fit');
    const style = getComputedStyle(box);
    const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const widest = Math.max(
      ...[...box.querySelectorAll('.line')].map((l) => l.getBoundingClientRect().width),
    );
    if (widest > room)
      box.style.setProperty('--caption-fit', String(Math.floor((room / widest) * 100) / 100));
  }

  /** Keeps the newest chat message in view, unless the reader scrolled up to read older ones. */
  #followChat(): void {
    const list = this.renderRoot.querySelector<HTMLElement>('.messages');
    const count = this.#room.chat.length;
    if (!list) return;
    if (this.#chatFollows || count !== this.#chatSeen) {
      const mine = this.#room.chat.at(-1)?.participantId === this.#room.self?.id;
      if (this.#chatFollows || mine) list.scrollTop = list.scrollHeight;
    }
    this.#chatSeen = count;
  }

  /** Join from the pre-join screen: the open devices go to the classroom to publish. */
  #join(): void {
    this.#joinPressed = true;
    const chosen = this.#preview.take();
    this.#room.chosen = chosen;
    const detail = (c: (typeof chosen)['camera']) => ({ on: c.on, deviceId: c.deviceId });
    this.emit('cosmo-prejoin-ready', {
      camera: detail(chosen.camera),
      microphone: detail(chosen.microphone),
    });
    void this.#room.connect(this.serverUrl, this.token);
  }

  #onChatScroll(e: Event): void {
    const list = e.target as HTMLElement;
    this.#chatFollows = list.scrollTop + list.clientHeight >= list.scrollHeight - 24;
  }

  /** Tells the controller which videos are on screen, with their widths. */
  #reportVisibleVideos(): void {
    const visible = new Map<string, number>();
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('[data-producer]')) {
      const id = el.dataset['producer']!;
      visible.set(id, this.#tileWidths.get(id) ?? el.clientWidth);
    }
    const before = [...(this.#lastVisible ?? new Map()).entries()].join();
    if (before !== [...visible.entries()].join()) {
      this.#lastVisible = visible;
      this.#room.setVisibleVideos(visible);
    }
  }

  #onResize(e: CustomEvent<{ width: number }>): void {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-producer]')?.dataset[
      'producer'
    ];
    if (!id) return;
    this.#tileWidths.set(id, e.detail.width);
    this.#reportVisibleVideos();
  }

  // ---- render --------------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const room = this.#room;
    if (!this.serverUrl || !this.token)
      return html`<div class="ended">${this.#t('missingConfig')}</div>`;
    const t = (key: MessageKey) => this.#t(key);
    if (this.#showPrejoin)
      return renderPrejoin(this.#preview, t, {
        name: tokenClaim(this.token, 'name') ?? '',
        student: tokenClaim(this.token, 'role') === 'student',
        join: () => this.#join(),
      });
    if (room.refused)
      return renderRefusedScreen(t, () => void room.connect(this.serverUrl, this.token));
    if (room.state === 'waiting') return renderWaitingScreen(t, () => void room.disconnect());
    if (room.ended) {
      // A teacher starts the class again; a student tries again once she has (an ended class
      // answers CLASS_ENDED, and this screen stays).
      const reopen = room.canReopen;
      // The class's recordings stay in reach, outside the status (their progress is not announced).
      return html`<div class="ended">
        <p role="status">${this.#t('classEnded')}</p>
        <button
          part="reopen-button"
          class="primary"
          @click=${() => room.connect(this.serverUrl, this.token, reopen)}
        >
          ${this.#t(reopen ? 'startAgain' : 'joinAgain')}
        </button>
        ${renderEndedRecordings(room, this.#recordings, t, this.#language)}
      </div>`;
    }
    return html`
      <div
        part="base"
        class="room ${this.#crowded ? 'crowded' : ''}"
        @cosmo-video-resize=${this.#onResize}
      >
        ${this.#renderHeader()}
        <main>${this.#renderStage()} ${this.#renderGrid()}</main>
        ${this.#renderSidebar()}
        ${renderControls(room, t, {
          toolsOpen: this.#toolsOpen,
          toggleTools: () => {
            this.#toolsOpen = !this.#toolsOpen;
            this.requestUpdate();
          },
          closeTools: () => {
            this.#toolsOpen = false;
            this.requestUpdate();
          },
          confirmEnd: () => {
            this.renderRoot.querySelector<HTMLDialogElement>('dialog.confirm')?.showModal();
          },
          record: renderRecordButton(room, this.#recordings, t),
          board: renderBoardButton(room, this.#board, t),
          // Observers watch; they do not react.
          reactions:
            room.self?.role === 'observer'
              ? undefined
              : renderReactionsBar(t, {
                  enabled: room.state === 'connected',
                  resting: this.#teaching.reactionsResting,
                  react: (emoji) => void this.#teaching.react(emoji),
                }),
        })}
        ${this.#renderAudio()} ${this.#renderToasts()}
      </div>
      ${room.moderator ? renderConfirmEnd(room, t) : nothing}
    `;
  }

  /** More than a row or two of students: the stage gives the grid more room. */
  get #crowded(): boolean {
    return this.#room.others.length > 12;
  }

  /** Errors (in the UI language, with what to do next), mutes, and urgent notices. */
  #renderToasts(): TemplateResult {
    const room = this.#room;
    const urgent = room.notices.find((n) => n.urgent && !n.read && !this.#bannerClosed.has(n.id));
    const readUrgent = (id: string) => {
      room.markRead(id);
      this.#selectTab('inbox');
    };
    const t = (key: MessageKey) => this.#t(key);
    return html`<div class="toasts">
      ${renderBreakoutBanner(this.#room, this.#breakouts, t)}
      ${renderBreakoutMessage(this.#breakouts, t)}
      ${
        room.error
          ? html`<div
              part="toast"
              class="toast"
              role="alert"
              data-code=${room.error.code}
              data-reason=${room.error.reason || nothing}
            >
              <span>${errorText(this.#language, room.error)}</span>
              <button class="small" @click=${() => room.dismissError()}>
                ${this.#t('dismiss')}
              </button>
            </div>`
          : nothing
      }
      ${
        room.mediaReachability === 'unreachable' && !this.#mediaNoticeClosed
          ? html`<div
              part="toast"
              class="toast"
              role="alert"
              data-error=${ErrorCode.MEDIA_UNREACHABLE}
            >
              <span>${errorText(this.#language, { code: ErrorCode.MEDIA_UNREACHABLE })}</span>
              <button
                class="small"
                @click=${() => {
                  this.#mediaNoticeClosed = true;
                  this.requestUpdate();
                }}
              >
                ${this.#t('dismiss')}
              </button>
            </div>`
          : nothing
      }
      ${
        room.mutedByModerator
          ? html`<div part="toast" class="toast info" role="status">
              <span>${this.#t('mutedByTeacher')}</span>
              <button
                class="small"
                @click=${() => {
                  room.mutedByModerator = false;
                  this.requestUpdate();
                }}
              >
                ${this.#t('dismiss')}
              </button>
            </div>`
          : nothing
      }
      ${
        this.#teaching.unseenPoll && this.tab !== 'polls'
          ? html`<div part="toast" class="toast info" role="status" data-new-poll>
              <span
                ><b>${this.#t('newPollToast')}:</b>
                ${room.client?.polls.get(this.#teaching.unseenPoll)?.question.question}</span
              >
              <button class="small" @click=${() => this.#selectTab('polls')}>
                ${this.#t('answerNow')}
              </button>
            </div>`
          : nothing
      }
      ${
        urgent
          ? html`<div part="toast" class="toast urgent" role="alert" data-notice=${urgent.id}>
              <span><b>${this.#t('urgentNotice')}:</b> ${urgent.title}</span>
              <button class="small" @click=${() => readUrgent(urgent.id)}>
                ${this.#t('readNotice')}
              </button>
              <button
                class="small"
                @click=${() => {
                  this.#bannerClosed.add(urgent.id);
                  this.requestUpdate();
                }}
              >
                ${this.#t('dismiss')}
              </button>
            </div>`
          : nothing
      }
    </div>`;
  }

  #renderHeader(): TemplateResult {
    const room = this.#room;
    const badge: Record<string, [string, MessageKey]> = {
      idle: ['', 'joining'],
      connecting: ['', 'joining'],
      connected: ['live', 'connected'],
      reconnecting: ['warn', 'reconnecting'],
      waiting: ['', 'waitingBadge'],
      closed: ['', 'closed'],
    };
    const [cls, key] = badge[room.state] ?? ['', 'closed'];
    const joined = room.state === 'connected' || room.state === 'reconnecting';
    const hands = room.moderator ? room.others.filter((p) => p.handRaised).length : 0;
    return html`<header part="header">
      <h1 title=${room.classroom?.title ?? ''}>${room.classroom?.title ?? ''}</h1>
      <span class="badge ${cls}" role="status" data-state=${room.state}>${this.#t(key)}</span>
      ${renderRecordingIndicator(this.#recordings, (k) => this.#t(k))}
      ${joined ? html`<span class="badge" data-count>${peopleCount(this.#language, this.#peopleCount)}</span>` : nothing}
      ${
        hands > 0
          ? html`<button
              class="badge hands"
              data-hands=${hands}
              aria-label="${this.#t('handsUp')}: ${hands}"
              @click=${() => this.#selectTab('people')}
            >
              ${handIcon} ${hands}
            </button>`
          : nothing
      }
      ${room.classroom?.locked ? html`<span class="badge" role="img" aria-label=${this.#t('lock')}>${lockIcon}</span>` : nothing}
      ${this.#renderWaitingBadge()}
      <span class="spacer"></span>
      ${this.#renderCaptionPicker()}
    </header>`;
  }

  /** Moderators: how many wait to be let in (opens the people tab, where the list is). */
  #renderWaitingBadge(): TemplateResult | typeof nothing {
    const waiting = this.#room.moderator
      ? (this.#room.client?.waitingRoom?.waiting.length ?? 0)
      : 0;
    if (!waiting) return nothing;
    return html`<button
      class="badge waiting"
      data-waiting-count=${waiting}
      title=${this.#t('waitingRoom')}
      @click=${() => this.#selectTab('people')}
    >
      ${this.#t('waitingCount').replace('{n}', String(waiting))}
    </button>`;
  }

  /** Everyone in the class, oneself included (the same number in the header and the tab). */
  get #peopleCount(): number {
    return this.#room.others.length + (this.#room.self ? 1 : 0);
  }

  /** Shown when the teacher's lesson has captions: the reader picks a language (or none). */
  #renderCaptionPicker(): TemplateResult | typeof nothing {
    const room = this.#room;
    const languages = room.classroom?.captionLanguages ?? [];
    if (languages.length === 0) return nothing;
    const current = room.self?.captionLanguage ?? '';
    const pick = (e: Event) => {
      const language = (e.target as HTMLSelectElement).value;
      void room.run((c) => c.subscribeCaptions(language));
    };
    return html`<label class="badge"
      >${this.#t('captions')}
      <select part="caption-language" aria-label=${this.#t('captions')} @change=${pick}>
        <option value="" ?selected=${!current}>${this.#t('captionsOff')}</option>
        ${languages.map((l) => html`<option value=${l} ?selected=${l === current}>${nativeLanguageName(l)}</option>`)}
      </select></label
    >`;
  }

  /** The teacher on stage: their screen share first, else their camera. */
  #renderStage(): TemplateResult {
    const room = this.#room;
    const teacher = [room.self, ...room.others].find((p) => p?.role === 'teacher');
    const local = teacher && teacher === room.self;
    let video: TemplateResult | typeof nothing = nothing;
    if (teacher && local) {
      const track =
        room.client?.localTracks.get('screen')?.track ??
        room.client?.localTracks.get('camera')?.track;
      if (track)
        video = html`<cosmo-video
          .track=${track}
          contain
          ?mirror=${!room.client?.localTracks.get('screen')}
        ></cosmo-video>`;
    } else if (teacher) {
      const producers = room.videoOf(teacher.id);
      const shown = producers.find((p) => p.source === 'screen') ?? producers[0];
      if (shown) {
        video = html`<div data-producer=${shown.id} style="position:absolute;inset:0">
          <cosmo-video .track=${room.remote.get(shown.id)?.track} contain></cosmo-video>
        </div>`;
      }
    }
    const caption = room.caption;
    const board = this.#board.onStage;
    if (room.state === 'closed')
      return html`<section part="stage" class="stage" aria-label=${this.#t('teacher')}>
        <div class="placeholder">
          <p>${this.#t('notInClass')}</p>
          <button
            class="primary"
            data-action="rejoin"
            @click=${() => void room.connect(this.serverUrl, this.token)}
          >
            ${this.#t('joinAgain')}
          </button>
        </div>
      </section>`;
    return html`<section
      part="stage"
      class="stage ${board ? 'board-on' : ''}"
      aria-label=${this.#t(board ? 'board' : 'teacher')}
    >
      ${
        board
          ? renderBoardStage(room, this.#board, (k) => this.#t(k))
          : video === nothing
            ? html`<div class="placeholder">
                ${teacher ? teacher.name : this.#t('waitingForTeacher')}
              </div>`
            : video
      }
      ${teacher && video !== nothing && !board ? html`<span class="name">${teacher.name}</span>` : nothing}
      ${renderFloatingReactions((k) => this.#t(k), this.#teaching.bubbles, room.moderator)}
      ${
        caption
          ? html`<div
              part="captions"
              class="captions ${caption.final ? '' : 'interim'} ${caption.uncertain ? 'uncertain' : ''} ${isWideLanguage(caption.language) ? 'wide' : ''}"
              ?data-uncertain=${caption.uncertain}
              ?data-untranslated=${caption.untranslated}
              lang=${caption.language || nothing}
              title=${caption.uncertain ? this.#t('unsure') : nothing}
              aria-live="polite"
            >
              ${this.#captionLines(caption.text, caption.language, caption.untranslated).map(
                (line, i) =>
                  html`${i > 0 ? html`<br />` : nothing}<span class="line"
                      >${i === 0 && caption.untranslated ? untranslatedTag(this.#t('untranslated'), this.#language) : nothing}${
                        i === 0 && caption.uncertain ? unsureHint(this.#t('unsure')) : nothing
                      }${line}</span
                    >`,
              )}
            </div>`
          : nothing
      }
    </section>`;
  }

  /**
   * The caption as subtitles: its last two lines, broken between words. Lines keep their trailing
   * space, so the text a screen reader or a copy gets still reads as the caption.
   */
  #captionLines(text: string, language: string, tagged: boolean): string[] {
    let lineLength = captionLineLength(language);
    // The "Not translated" tag (0.7em, padded) sits on the first line: the lines leave it room.
    if (tagged) lineLength -= Math.ceil(0.7 * textWidth(this.#t('untranslated')) + 1);
    return captionLines(text, language, { lineLength });
  }

  /** Everyone else, active speakers and raised hands first, one page at a time. */
  #renderGrid(): TemplateResult {
    const room = this.#room;
    const speaking = new Set(room.speakers);
    // With the board on stage, the teacher's camera is the grid's first tile.
    const board = this.#board.onStage;
    const rank = (p: ParticipantSummary) =>
      p.role === 'teacher' ? -1 : speaking.has(p.id) ? 0 : p.handRaised ? 1 : 2;
    const people = [room.self, ...room.others]
      .filter((p): p is ParticipantSummary => !!p && (board || p.role !== 'teacher'))
      .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
    const pages = Math.max(1, Math.ceil(people.length / this.pageSize));
    const page = Math.min(this.page, pages - 1);
    const shown = people.slice(page * this.pageSize, (page + 1) * this.pageSize);
    return html`<div class="grid-wrap">
      <div part="grid" class="grid" role="list">
        ${repeat(
          shown,
          (p) => p.id,
          (p) => this.#renderTile(p, speaking.has(p.id)),
        )}
      </div>
      ${
        pages > 1
          ? html`<nav class="pager" aria-label=${this.#t('page')}>
              <button
                class="small"
                aria-label=${this.#t('previous')}
                ?disabled=${page === 0}
                @click=${() => (this.page = page - 1)}
              >
                ‹
              </button>
              <span>${page + 1} / ${pages}</span>
              <button
                class="small"
                aria-label=${this.#t('next')}
                ?disabled=${page >= pages - 1}
                @click=${() => (this.page = page + 1)}
              >
                ›
              </button>
            </nav>`
          : nothing
      }
    </div>`;
  }

  #renderTile(p: ParticipantSummary, speaking: boolean): TemplateResult {
    const room = this.#room;
    const isSelf = p.id === room.self?.id;
    let video: TemplateResult | typeof nothing = nothing;
    if (isSelf) {
      const track = room.client?.localTracks.get('camera')?.track;
      if (track) video = html`<cosmo-video .track=${track} mirror></cosmo-video>`;
    } else {
      const camera = room.videoOf(p.id).find((v) => v.source === 'camera');
      const remote = camera && room.remote.get(camera.id);
      if (camera) {
        video = html`<div data-producer=${camera.id} style="position:absolute;inset:0">
          ${remote ? html`<cosmo-video .track=${remote.track}></cosmo-video>` : nothing}
        </div>`;
      }
    }
    const label = `${p.name}${isSelf ? ` (${this.#t('you')})` : ''}`;
    return html`<div
      part="tile"
      class="tile ${speaking ? 'speaking' : ''}"
      role="listitem"
      aria-label=${label}
      data-participant=${p.id}
    >
      <div class="avatar" aria-hidden="true">${p.name.slice(0, 1).toUpperCase()}</div>
      ${video}
      <span class="name">${label}</span>
      ${p.handRaised ? html`<span class="hand" role="img" aria-label=${this.#t('handRaised')}>${handIcon}</span>` : nothing}
    </div>`;
  }

  #renderSidebar(): TemplateResult {
    const unread = this.#room.notices.filter((n) => !n.read).length;
    const tabs: [Tab, string | TemplateResult][] = [
      ['chat', this.#t('chat')],
      [
        'people',
        this.#room.self ? `${this.#t('people')} (${this.#peopleCount})` : this.#t('people'),
      ],
      ['polls', this.#teaching.unseenPoll ? `${this.#t('polls')} •` : this.#t('polls')],
      ['inbox', unread ? `${this.#t('inbox')} (${unread})` : this.#t('inbox')],
      ['handouts', this.#t('handouts')],
      ...(this.#room.classroom?.classId
        ? ([['class', this.#t('classTab')]] as [Tab, string | TemplateResult][])
        : []),
      ...(this.#room.moderator || this.#room.classroom?.captionLanguages.length
        ? ([['captions', this.#t('captions')]] as [Tab, string | TemplateResult][])
        : []),
      ['recordings', this.#t('recordings')],
    ];
    // Past six tabs the row is full: Recordings shows as an icon (still named for screen readers).
    tabs[tabs.length - 1]![1] = renderRecordingsTabLabel(this.#t('recordings'), tabs.length > 6);
    // Arrow keys, Home and End move between tabs; Tab goes on into the panel (WAI-ARIA tabs).
    const keys = (e: KeyboardEvent) => {
      const at = tabs.findIndex(([id]) => id === this.tab);
      const next =
        e.key === 'ArrowRight'
          ? (at + 1) % tabs.length
          : e.key === 'ArrowLeft'
            ? (at - 1 + tabs.length) % tabs.length
            : e.key === 'Home'
              ? 0
              : e.key === 'End'
                ? tabs.length - 1
                : -1;
      if (next < 0) return;
      e.preventDefault();
      this.#selectTab(tabs[next]![0]);
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>(`#tab-${tabs[next]![0]}`)?.focus(),
      );
    };
    return html`<aside part="sidebar">
      <div
        role="tablist"
        class=${tabs.length > 6 ? 'full' : ''}
        data-tabs=${tabs.length}
        @keydown=${keys}
      >
        ${tabs.map(
          ([id, label]) =>
            html`<button
              role="tab"
              id="tab-${id}"
              aria-controls="panel-${id}"
              aria-selected=${this.tab === id}
              tabindex=${this.tab === id ? 0 : -1}
              @click=${() => this.#selectTab(id)}
            >
              ${label}
            </button>`,
        )}
      </div>
      <div role="tabpanel" id="panel-${this.tab}" aria-labelledby="tab-${this.tab}" class="panel">
        ${this.#renderPanel()}
      </div>
    </aside>`;
  }

  #renderPanel(): TemplateResult {
    const t = (key: MessageKey) => this.#t(key);
    switch (this.tab) {
      case 'chat':
        return this.#renderChat();
      case 'people':
        return html`${renderWaitingList(this.#room, this.#teaching, t)}${renderBreakoutPanel(
          this.#room,
          this.#breakouts,
          t,
        )}${this.#renderPeople()}`;
      case 'polls':
        return renderPollsPanel(this.#room, this.#teaching, t);
      case 'inbox':
        return html`${renderPushControl(this.#push, t)}${renderInbox(this.#room, t)}`;
      case 'captions':
        return renderCaptionsPanel(this.#room, t, this.#language);
      case 'handouts':
        return renderHandouts(this.#room, t);
      case 'class':
        return renderClassPanel(this.#room, t);
      case 'recordings':
        return renderRecordingsPanel(this.#room, this.#recordings, t, this.#language);
    }
  }

  #selectTab(tab: Tab): void {
    if (tab === 'chat') this.#chatFollows = true;
    this.tab = tab;
    this.#recordings.setOpen(tab === 'recordings');
    if (tab === 'class') void this.#room.loadClassPanel();
    if (tab === 'polls') {
      this.#teaching.unseenPoll = '';
      void this.#teaching.loadPrepared();
    }
  }

  #renderChat(): TemplateResult {
    const room = this.#room;
    const send = (e: SubmitEvent) => {
      e.preventDefault();
      const input = (e.target as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      void room.run((c) => c.sendChat(text));
    };
    return html`<div
        class="messages"
        role="log"
        tabindex="0"
        aria-label=${this.#t('chat')}
        @scroll=${this.#onChatScroll}
      >
        ${room.chat.length === 0 ? html`<p class="role">${this.#t('noMessages')}</p>` : nothing}
        ${repeat(
          room.chat,
          (m) => m.id,
          (m) => html`<div class="message"><b>${m.name}</b> ${m.text}</div>`,
        )}
      </div>
      <form @submit=${send}>
        <input
          name="text"
          maxlength="2000"
          autocomplete="off"
          aria-label=${this.#t('chatPlaceholder')}
          placeholder=${this.#t('chatPlaceholder')}
          ?disabled=${!room.self?.permissions.chat}
        />
        <button type="submit" ?disabled=${!room.self?.permissions.chat}>${this.#t('send')}</button>
      </form>`;
  }

  #renderPeople(): TemplateResult {
    const room = this.#room;
    const order: Record<Role, number> = { teacher: 0, assistant: 1, student: 2, observer: 3 };
    const people = [room.self, ...room.others]
      .filter((p): p is ParticipantSummary => !!p)
      .sort(
        (a, b) =>
          order[a.role] - order[b.role] ||
          Number(b.handRaised) - Number(a.handRaised) ||
          a.name.localeCompare(b.name),
      );
    return html`<ul>
      ${repeat(
        people,
        (p) => p.id,
        (p) =>
          html`<li class="person" data-participant=${p.id}>
            <span class="who">
              <span class="line"
                ><span class="person-name">${p.name}</span
                >${p.handRaised ? html`<span class="hand-inline" role="img" aria-label=${this.#t('handRaised')}>${handIcon}</span>` : nothing}</span
              >
              <span class="role">${this.#t(p.role)}</span>
            </span>
            ${room.moderator && p.id !== room.self?.id && p.role === 'student' ? html`<span class="actions">${this.#renderModeration(p)}</span>` : nothing}
          </li>`,
      )}
    </ul>`;
  }

  #renderModeration(p: ParticipantSummary): TemplateResult {
    const room = this.#room;
    const grant = !p.permissions.speak;
    return html`<button
        class="small"
        @click=${() => room.run((c) => c.mute(p.id))}
        aria-label="${this.#t('mute')} ${p.name}"
      >
        ${this.#t('mute')}
      </button>
      <button
        class="small"
        @click=${() => room.run((c) => c.setPermissions(p.id, { ...p.permissions, speak: grant }))}
        aria-label="${this.#t(grant ? 'grantSpeech' : 'revokeSpeech')} ${p.name}"
      >
        ${this.#t(grant ? 'grantSpeech' : 'revokeSpeech')}
      </button>
      ${renderDrawToggle(room, p, (k) => this.#t(k))}
      ${p.handRaised ? html`<button class="small" @click=${() => room.run((c) => c.lowerHand(p.id))} aria-label="${this.#t('lowerHand')} ${p.name}">${this.#t('lowerHand')}</button>` : nothing}`;
  }

  /** One hidden audio element per remote audio track. */
  #renderAudio(): TemplateResult {
    const audio = [...this.#room.remote.values()].filter((r) => r.kind === 'audio');
    return html`${repeat(
      audio,
      (r) => r.producerId,
      (r) => html`<audio autoplay .srcObject=${streamOf(r.track)}></audio>`,
    )}`;
  }
}

/** Dispatches a composed, bubbling event: it reaches the page through shadow roots. */
function fire(target: EventTarget, name: string, detail: unknown): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}

// Icons are inline SVG: emoji fonts are missing on many school machines.
const handIcon = svg`<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="#f5a524" d="M12 2a1.5 1.5 0 0 1 1.5 1.5V11h1V4.5a1.5 1.5 0 0 1 3 0V12h1V7.5a1.5 1.5 0 0 1 3 0V15a7 7 0 0 1-7 7h-1a7 7 0 0 1-6.06-3.5L3.2 14.1a1.5 1.5 0 0 1 2.6-1.5L8 15.5V5.5a1.5 1.5 0 0 1 3 0V11h-.5V3.5A1.5 1.5 0 0 1 12 2z"/></svg>`;
const lockIcon = svg`<svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true"><path fill="currentColor" d="M7 10V7a5 5 0 0 1 10 0v3h1a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h1zm2 0h6V7a3 3 0 0 0-6 0v3z"/></svg>`;

const streams = new WeakMap<MediaStreamTrack, MediaStream>();

/** One MediaStream per track, so re-rendering does not restart playback. */
function streamOf(track: MediaStreamTrack): MediaStream {
  let stream = streams.get(track);
  if (!stream) {
    stream = new MediaStream([track]);
    streams.set(track, stream);
  }
  return stream;
}
