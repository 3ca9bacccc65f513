import type { ReactiveController } from 'lit';
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { CosmoClient } from '../CosmoClient.js';
import { NOT_RECORDING, type RecordingStateInfo } from '../Recording.js';
import type { RecordingInfo } from '../RecordingsApi.js';
import type { ClassroomController, ClassroomHost } from './classroom.controller.js';
import type { MessageKey } from './i18n.js';

/**
 * How often the list is asked again while a recording is being published and it is on screen
 * (the Recordings tab, or the ended class's screen).
 */
export const PUBLISHING_POLL_MS = 3000;

/** "0:07", "12:34", "1:02:03": a time in a recording. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * The captions shown when a recording starts playing: the viewer's caption language when the
 * recording has it (also by its base, `zh` for `zh-Hans`), else the spoken one (listed first).
 */
export function defaultCaptionLanguage(
  languages: readonly string[],
  viewer: string,
): string | undefined {
  if (viewer) {
    const exact = languages.find((l) => l.toLowerCase() === viewer.toLowerCase());
    if (exact) return exact;
    const base = viewer.toLowerCase().split('-')[0];
    const same = languages.find((l) => l.toLowerCase().split('-')[0] === base);
    if (same) return same;
  }
  return languages[0];
}

/** Whether the list changes by itself soon (something is being published). */
export function publishing(list: readonly RecordingInfo[]): boolean {
  return list.some((r) => r.status === 'publishing');
}

/**
 * The element's recordings: whether the lecture is being recorded (with the announcement a
 * screen reader hears when that changes), the moderator's Record and its download choice, and the
 * class's list, shown in the Recordings tab and on the ended class's screen (where everyone may
 * stay to see the lecture's recording published), polled while shown and something is being
 * published; Download asks the server first, so a refusal never leaves the classroom page.
 */
export class RecordingsController implements ReactiveController {
  readonly #host: ClassroomHost;
  readonly #room: ClassroomController;
  /** The class's recordings, newest first (loaded when the tab opens). */
  list: RecordingInfo[] = [];
  loaded = false;
  /** Why the list could not be loaded (an error code), if it could not. */
  listError: string | undefined;
  /** The recording being watched. */
  selectedId = '';
  /** Moderators: whether students may download what they record next. */
  allowDownload = false;
  /** What the live region says: recording started or stopped. */
  announcement: MessageKey | '' = '';
  /** Why the last Download was refused, by recording id (an error code), until it is tried again. */
  downloadError: { id: string; code: string } | undefined;
  #open = false;
  /** Whether the class has ended (its screen lists the recordings). */
  #ended = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #loading: Promise<void> | undefined;

  constructor(host: ClassroomHost, room: ClassroomController) {
    this.#host = host;
    this.#room = room;
    host.addController(this);
    room.onClient((client) => this.#follow(client));
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#stopPolling();
  }

  /** The class ended (its screen shows the recordings: load them) or is joined again. */
  hostUpdate(): void {
    const ended = this.#room.ended;
    if (ended === this.#ended) return;
    this.#ended = ended;
    if (ended) void this.load();
    else if (!this.#open) this.#stopPolling();
  }

  /** Whether this person moderates the class, also once it has ended (by their token). */
  get moderator(): boolean {
    return this.#room.moderator || (this.#room.ended && this.#room.canReopen);
  }

  /** Whether the lecture is being recorded now. */
  get state(): RecordingStateInfo {
    return this.#room.client?.recording.state ?? NOT_RECORDING;
  }

  get selected(): RecordingInfo | undefined {
    return this.list.find((r) => r.id === this.selectedId);
  }

  /** The Recordings tab was opened (the list loads, each time) or left (polling stops). */
  setOpen(open: boolean): void {
    this.#open = open;
    if (open) void this.load();
    else if (!this.#ended) this.#stopPolling();
  }

  /** Loads the list; while it is shown and something is publishing, again in a few seconds. */
  load(): Promise<void> {
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #load(): Promise<void> {
    const client = this.#room.client;
    if (!client) return;
    this.#stopPolling();
    try {
      this.list = await client.recording.list();
      this.listError = undefined;
    } catch (err) {
      this.listError = err instanceof CosmoError ? err.code : ErrorCode.INTERNAL;
    }
    this.loaded = true;
    if ((this.#open || this.#ended) && publishing(this.list))
      this.#timer = setTimeout(() => void this.load(), PUBLISHING_POLL_MS);
    this.#host.requestUpdate();
  }

  /** Opens a recording in the player (or closes it); the list is asked again as it opens. */
  select(id: string): void {
    this.selectedId = this.selectedId === id ? '' : id;
    this.downloadError = undefined;
    if (this.selectedId) void this.load();
    this.#host.requestUpdate();
  }

  /**
   * Downloads a recording's file without leaving the page: the server is asked first whether
   * this person may (the teacher may have turned downloading off since the list was loaded); a
   * refusal shows beside the button and the list is loaded again. Allowed, the file comes through
   * a link that opens elsewhere if the browser does not take it as a download, so the classroom
   * page never navigates.
   */
  async download(rec: RecordingInfo): Promise<void> {
    const client = this.#room.client;
    if (!client) return;
    this.downloadError = undefined;
    this.#host.requestUpdate();
    try {
      await client.recording.assertDownloadable(rec);
    } catch (err) {
      this.downloadError = {
        id: rec.id,
        code: err instanceof CosmoError ? err.code : ErrorCode.INTERNAL,
      };
      this.#host.requestUpdate();
      await this.load();
      return;
    }
    const link = document.createElement('a');
    link.href = client.recording.mediaUrl(rec, { download: true });
    link.download = '';
    link.target = '_blank';
    link.rel = 'noopener';
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  }

  setAllowDownloadNext(allowed: boolean): void {
    this.allowDownload = allowed;
    this.#host.requestUpdate();
  }

  /** Moderators: starts recording (with the download choice), or stops it. */
  async toggle(): Promise<void> {
    const active = this.state.active;
    await this.#room.run((c) =>
      active ? c.recording.stop() : c.recording.start({ allowDownload: this.allowDownload }),
    );
  }

  /** Moderators: lets students download a recording, or not. */
  async setAllowDownload(rec: RecordingInfo, allowed: boolean): Promise<void> {
    await this.#room.run(async (c) => {
      await c.recording.setAllowDownload(rec.id, allowed);
      this.list = this.list.map((r) => (r.id === rec.id ? { ...r, allowDownload: allowed } : r));
    });
  }

  #follow(client: CosmoClient): void {
    this.list = [];
    this.loaded = false;
    this.listError = undefined;
    this.selectedId = '';
    this.announcement = '';
    this.downloadError = undefined;
    let wasActive = false;
    // The state found on joining shows (the indicator) but is not announced: only changes are.
    // The join's own `recordingChanged` comes before `joined`.
    let joined = false;
    // Back in after a reconnect or a move: the open tab shows the list as it now is.
    client.on('joined', () => {
      joined = true;
      if (this.#open) void this.load();
    });
    client.on('recordingChanged', (state) => {
      if (joined && state.active !== wasActive)
        this.announcement = state.active ? 'recordingStarted' : 'recordingStopped';
      wasActive = state.active;
      this.allowDownload = state.allowDownload;
      this.#host.emit('cosmo-recording', { state });
      // A recording that starts or stops shows in the open tab at once.
      if (this.#open) void this.load();
      this.#host.requestUpdate();
    });
  }

  #stopPolling(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
