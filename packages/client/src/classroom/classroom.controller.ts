import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  CosmoError,
  ErrorCode,
  cosmo,
  isModerator,
  type ClassroomSummary,
  type ParticipantSummary,
  type ProducerSummary,
} from '@cosmo/core';
import { CosmoClient } from '../CosmoClient.js';
import { tokenRole } from '../tokenRole.js';
import type { ConnectionState } from '../CosmoClientOptions.js';
import type { AttendanceInfo, ChatMessage, LeaveInfo, LessonInfo } from '../wire.js';
import type { RemoteTrack } from '../MediaSession.js';
import type { MediaReachabilityState } from '../MediaReachability.js';
import { playChime } from './chime.js';
import type { DeviceChoice, DeviceKind } from './media-preview.controller.js';

/** Video decoders the element runs at most, whatever the class size. */
export const MAX_VIDEOS = 9;

/** A notice in the inbox. */
export interface Notice {
  id: string;
  title: string;
  body: string;
  sender: string;
  urgent: boolean;
  sentAt: number;
  read: boolean;
}

/** A caption line. */
export interface CaptionLine {
  speakerId: string;
  text: string;
  final: boolean;
  language: string;
  /** The recogniser was unsure: shown dimmed (the server already put "…" for unsure words). */
  uncertain: boolean;
  /** In the spoken language although the reader picked another: nothing could translate it. */
  untranslated: boolean;
}

/**
 * The lesson in the captions tab: the classroom's current one (every moderator sees it), with
 * the edits not sent yet.
 */
export interface LessonDraft {
  text: string;
  /** The spoken language. */
  language: string;
  /** Glossary lines `term = translation`, one per line. */
  glossary: string;
  /** Reviewed translations: a language tag and one line per lesson sentence. */
  translations: { language: string; lines: string }[];
}

/** A new lesson draft: empty, English, one empty translation row. */
export const EMPTY_LESSON: LessonDraft = {
  text: '',
  language: 'en',
  glossary: '',
  translations: [{ language: '', lines: '' }],
};

/** The draft that shows a lesson as set. */
export function lessonDraft(lesson: LessonInfo): LessonDraft {
  const translations = Object.entries(lesson.translations).map(([language, lines]) => ({
    language,
    lines,
  }));
  return {
    text: lesson.text,
    language: lesson.language,
    glossary: Object.entries(lesson.glossary)
      .map(([term, translation]) => `${term} = ${translation}`)
      .join('\n'),
    translations: translations.length ? translations : EMPTY_LESSON.translations,
  };
}

/** A final caption kept for the transcript panel; `atMs` is from the classroom's start. */
export interface TranscriptEntry {
  atMs: number;
  text: string;
  language: string;
  uncertain: boolean;
  untranslated: boolean;
}

/** What the element's host must offer: an update cycle, and a way to fire DOM events. */
export type ClassroomHost = ReactiveControllerHost & {
  emit(name: string, detail: unknown): void;
};

/**
 * Wires a CosmoClient to the element: keeps a render-ready snapshot of the classroom, decides which
 * videos to decode, and turns client events into DOM events. Rendering stays in the component.
 */
export class ClassroomController implements ReactiveController {
  readonly #host: ClassroomHost;
  client: CosmoClient | undefined;
  state: ConnectionState = 'idle';
  error: CosmoError | undefined;
  chat: ChatMessage[] = [];
  notices: Notice[] = [];
  caption: CaptionLine | undefined;
  /** Final captions read in this session, oldest first (the last 500). */
  transcript: TranscriptEntry[] = [];
  /**
   * The lesson in the captions tab: the classroom's, as a moderator last set it, with this
   * moderator's edits (kept while she switches tabs).
   */
  lessonDraft: LessonDraft = EMPTY_LESSON;
  /** Participant ids heard recently, loudest first. */
  speakers: string[] = [];
  /** Whether audio and video get through this network (undefined until media is used). */
  mediaReachability: MediaReachabilityState | undefined;
  /** Set when a moderator muted this participant, until they unmute. */
  mutedByModerator = false;
  ended = false;
  /** A teacher did not let this person in from the waiting room. */
  refused = false;
  /** Whether this participant may start the class again once it has ended (a moderator). */
  canReopen = false;
  leaveRequests: LeaveInfo[] = [];
  /** Notices this participant sent, with their live receipt totals. */
  sent: { id: string; title: string; recipients: number; delivered: number; read: number }[] = [];
  attendanceRows: AttendanceInfo[] = [];
  attendanceCsv = '';
  /**
   * What the person chose before joining: published once joined, or once the teacher allows it;
   * the device ids also serve the Microphone and Camera buttons later.
   */
  chosen: Partial<Record<DeviceKind, DeviceChoice>> = {};
  #visibleVideos = new Map<string, number>();
  /** Where and as whom it last connected (to come back after the back/forward cache). */
  #last: { url: string; token: string } | undefined;
  /** Other controllers that follow each new client (the teaching tools). */
  readonly #followers: ((client: CosmoClient) => void)[] = [];

  constructor(host: ClassroomHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Changes the lesson draft and shows it (the teacher's preview follows her typing). */
  editLessonDraft(draft: LessonDraft): void {
    this.lessonDraft = draft;
    this.#host.requestUpdate();
  }

  /** Calls `follow` with each client this controller creates, before it connects. */
  onClient(follow: (client: CosmoClient) => void): void {
    this.#followers.push(follow);
  }

  hostConnected(): void {
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
    globalThis.addEventListener?.('pageshow', this.#onPageShow);
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    globalThis.removeEventListener?.('pageshow', this.#onPageShow);
    void this.disconnect();
  }

  /**
   * The tab closes or navigates away: leave now (the leave frame goes out before the page is
   * gone), so the others see the seat freed at once rather than after the resume grace. A
   * reload joins again as the same person.
   */
  readonly #onPageHide = (): void => {
    void this.client?.close();
  };

  /** The page came back from the back/forward cache, after it left: join again. */
  readonly #onPageShow = (e: PageTransitionEvent): void => {
    const last = this.#last;
    if (e.persisted && last && this.client?.state === 'closed' && !this.ended)
      void this.connect(last.url, last.token);
  };

  /** Everyone but oneself. */
  get others(): ParticipantSummary[] {
    return this.client ? [...this.client.participants.values()] : [];
  }

  get self(): ParticipantSummary | undefined {
    return this.client?.self;
  }

  get classroom(): ClassroomSummary | undefined {
    return this.client?.classroom;
  }

  /** Whether this participant moderates (teacher or assistant). */
  get moderator(): boolean {
    return isModerator(this.self?.role);
  }

  /** Remote tracks by producer id. */
  get remote(): ReadonlyMap<string, RemoteTrack> {
    return this.client?.remoteTracks ?? new Map();
  }

  /**
   * Connects with a new client (closing any previous one). `reopen`: a moderator starts the
   * class again after it was ended.
   */
  async connect(url: string, token: string, reopen = false): Promise<void> {
    await this.disconnect();
    this.#last = { url, token };
    const client = new CosmoClient({ url, token, autoSubscribe: 'audio', reopen });
    this.client = client;
    this.ended = false;
    this.refused = false;
    this.canReopen = isModerator(tokenRole(token));
    this.error = undefined;
    const update = () => this.#host.requestUpdate();
    client.on('stateChanged', (state) => {
      this.state = state;
      this.#host.emit('cosmo-state-change', { state });
      update();
    });
    for (const event of [
      'participantJoined',
      'participantLeft',
      'participantUpdated',
      'producerPaused',
      'producerResumed',
      'trackSubscribed',
      'trackUnsubscribed',
      'classroomUpdated',
      'mediaReset',
      'resumed',
      'handoutAdded',
    ] as const) {
      client.on(event, update);
    }
    client.on('participantUpdated', (p) => {
      if (p.id === this.self?.id) this.#publishChosen();
    });
    // Every moderator's captions tab shows the lesson as it is, so none replaces it unseen.
    const showLesson = () => {
      if (client.lesson) this.lessonDraft = lessonDraft(client.lesson);
      update();
    };
    client.on('joined', showLesson);
    client.on('lessonChanged', showLesson);
    client.on('producerAdded', () => this.#applyVideoPolicy());
    // Our media was re-created after a server worker died: the videos on screen come back.
    client.on('mediaReset', () => this.#applyVideoPolicy());
    client.on('producerRemoved', () => this.#applyVideoPolicy());
    client.on('activeSpeakers', (speakers) => {
      const ids = speakers.map((s) => s.participantId).filter(Boolean);
      if (ids.join() !== this.speakers.join()) {
        this.speakers = ids;
        update();
      }
    });
    client.on('chat', (message) => {
      this.chat = [...this.chat.slice(-199), message];
      this.#host.emit('cosmo-chat', { message });
      update();
    });
    client.on('handChanged', (participantId, raised) => {
      // The teacher hears a hand go up (someone else's), so she need not watch the list.
      if (raised && this.moderator && participantId !== this.self?.id) playChime();
      update();
    });
    client.on('muted', () => {
      this.mutedByModerator = true;
      update();
    });
    client.on('caption', (c) => {
      const caption = c?.caption;
      if (!caption) return;
      this.caption = {
        speakerId: caption.speakerId ?? '',
        text: caption.text ?? '',
        final: Boolean(caption.final),
        language: caption.language ?? '',
        uncertain: Boolean(caption.uncertain),
        untranslated: Boolean(caption.untranslated),
      };
      if (caption.final && caption.text) {
        const { text, language, uncertain, untranslated } = this.caption;
        this.transcript = [
          ...this.transcript.slice(-499),
          { atMs: caption.startMs ?? 0, text, language, uncertain, untranslated },
        ];
      }
      update();
    });
    client.on('notification', (n) => {
      if (this.notices.some((x) => x.id === n.id)) return;
      const notice: Notice = {
        id: n.id ?? '',
        title: n.title ?? '',
        body: n.body ?? '',
        sender: n.senderName ?? '',
        urgent: n.priority === cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_URGENT,
        sentAt: n.sentAt ?? Date.now(),
        read: false,
      };
      this.notices = [notice, ...this.notices];
      this.#host.emit('cosmo-notification', { notice });
      void client.school.acknowledgeNotice(notice.id, false).catch(() => undefined);
      update();
    });
    client.on('receiptSummary', (r) => {
      this.sent = this.sent.map((n) => (n.id === r.notificationId ? { ...n, ...r } : n));
      update();
    });
    client.on('classEnded', () => {
      this.ended = true;
      this.#host.emit('cosmo-left', { reason: 'class_ended' });
      update();
    });
    client.on('error', (err) => this.#fail(err));
    for (const follow of this.#followers) follow(client);
    client.on('mediaReachability', (state) => {
      this.mediaReachability = state;
      if (state === 'unreachable') {
        this.#host.emit('cosmo-error', {
          code: ErrorCode.MEDIA_UNREACHABLE,
          message: 'audio and video cannot get through this network',
        });
      }
      update();
    });
    try {
      const self = await client.connect();
      this.chat = [...client.recentChat];
      this.#host.emit('cosmo-joined', {
        participantId: self.id,
        role: self.role,
        room: client.classroom?.room,
      });
      this.#applyVideoPolicy();
      this.#publishChosen();
    } catch (err) {
      // An ended class shows as ended (with "start again" for its teacher), not as an error.
      if (err instanceof CosmoError && err.code === ErrorCode.CLASS_ENDED) this.ended = true;
      else if (err instanceof CosmoError && err.reason === 'REFUSED') this.refused = true;
      else this.#fail(err);
    }
    update();
  }

  /**
   * Publishes what the person switched on before joining, as soon as they may: at once for a
   * teacher, when granted for a student. Until then a held camera is closed (its light goes
   * off) and opened again on the grant. Each choice is used once; later the buttons decide.
   */
  #publishChosen(): void {
    const client = this.client;
    const self = this.self;
    if (!client || client.state !== 'connected' || !self) return;
    const allowed = { camera: self.permissions.video, microphone: self.permissions.speak };
    for (const kind of ['camera', 'microphone'] as const) {
      const choice = this.chosen[kind];
      if (!choice?.on || client.localTracks.has(kind)) continue;
      const track = choice.track;
      choice.track = undefined;
      if (!allowed[kind]) {
        track?.stop();
        continue;
      }
      choice.on = false;
      void this.run((c) =>
        track
          ? c.publish(track, kind)
          : kind === 'camera'
            ? c.publishCamera(choice.deviceId)
            : c.publishMicrophone(choice.deviceId),
      );
    }
  }

  /** Loads leave requests and, for teachers of a lecture, its attendance. */
  async loadClassPanel(): Promise<void> {
    const client = this.client;
    const classroom = client?.classroom;
    if (!client || !classroom?.classId) return;
    await this.run(async (c) => {
      this.leaveRequests = await c.school.leaveRequests(classroom.classId);
      if (this.moderator && classroom.lectureId)
        ({ rows: this.attendanceRows, csv: this.attendanceCsv } = await c.school.attendance(
          classroom.lectureId,
        ));
    });
  }

  /** Teachers: sends a notice to the class and tracks its receipts. */
  async sendNotice(title: string, body: string, urgent: boolean): Promise<void> {
    const classId = this.classroom?.classId;
    if (!classId) return;
    await this.run(async (c) => {
      const { id, recipients } = await c.school.sendNotice(`class:${classId}`, title, body, urgent);
      this.sent = [{ id, title, recipients, delivered: 0, read: 0 }, ...this.sent];
    });
  }

  /** Hides the error toast. */
  dismissError(): void {
    this.error = undefined;
    this.#host.requestUpdate();
  }

  /** A notice opened from a push or an email (already acknowledged read by its link). */
  showLinkedNotice(notice: Notice): void {
    this.notices = [notice, ...this.notices.filter((n) => n.id !== notice.id)];
    this.#host.requestUpdate();
  }

  /** Marks a notice read (and tells the server, for the sender's receipts). */
  markRead(id: string): void {
    this.notices = this.notices.map((n) => (n.id === id ? { ...n, read: true } : n));
    void this.client?.school.acknowledgeNotice(id, true).catch(() => undefined);
    this.#host.requestUpdate();
  }

  /** Leaves the class. */
  async disconnect(reason = 'left'): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    const wasJoined =
      client.state === 'connected' || client.state === 'reconnecting' || client.state === 'waiting';
    await client.close();
    for (const local of client.localTracks.values()) local.track.stop();
    for (const choice of Object.values(this.chosen)) {
      choice.track?.stop();
      choice.track = undefined;
    }
    if (wasJoined && !this.ended) this.#host.emit('cosmo-left', { reason });
    this.state = 'closed';
    this.#host.requestUpdate();
  }

  /**
   * Runs a user action; its error is shown and fired as `cosmo-error` instead of escaping.
   */
  async run(action: (client: CosmoClient) => Promise<unknown>): Promise<void> {
    if (!this.client) return;
    try {
      await action(this.client);
    } catch (err) {
      this.#fail(err);
    }
    this.#host.requestUpdate();
  }

  /** The tiles on screen and their widths: decode video only for those, at most MAX_VIDEOS. */
  setVisibleVideos(visible: Map<string, number>): void {
    this.#visibleVideos = visible;
    this.#applyVideoPolicy();
  }

  /** Video producers (camera or screen) of a participant. */
  videoOf(participantId: string): ProducerSummary[] {
    const p = this.client?.participants.get(participantId);
    return (p?.producers ?? []).filter((pr) => pr.kind === 'video');
  }

  #applyVideoPolicy(): void {
    const client = this.client;
    if (!client || client.state !== 'connected') return;
    const wanted = [...this.#visibleVideos.entries()]
      .filter(([id]) => client.producers.has(id))
      .slice(0, MAX_VIDEOS);
    const wantedIds = new Set(wanted.map(([id]) => id));
    for (const [producerId, remote] of client.remoteTracks) {
      if (remote.kind === 'video' && !wantedIds.has(producerId))
        void this.run((c) => c.unsubscribe(producerId));
    }
    for (const [producerId, width] of wanted) {
      if (client.remoteTracks.has(producerId))
        void this.run((c) => c.setVideoWidth(producerId, width));
      else void this.run((c) => c.subscribe(producerId, width));
    }
    this.#host.requestUpdate();
  }

  #fail(err: unknown): void {
    const error =
      err instanceof CosmoError
        ? err
        : new CosmoError(ErrorCode.INTERNAL, err instanceof Error ? err.message : String(err));
    this.error = error;
    this.#host.emit('cosmo-error', {
      code: error.code,
      message: error.message,
      ...(error.reason && { reason: error.reason, params: { ...error.params } }),
    });
    this.#host.requestUpdate();
  }
}
