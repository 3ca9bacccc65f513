// The recordings of a class over HTTP: the list, their files' URLs, and their download setting.
import { CosmoError, ErrorCode, type RecordingInfo, type RecordingStatus } from '@cosmo/core';

export type { RecordingChapterInfo, RecordingInfo, RecordingStatus } from '@cosmo/core';

/** The code of an error answer without a body (a HEAD), by its HTTP status. */
const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  401: ErrorCode.NOT_AUTHORIZED,
  403: ErrorCode.PERMISSION_DENIED,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.INVALID_STATE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.UNAVAILABLE,
};

const STATUSES = new Set<RecordingStatus>([
  'recording',
  'stopped',
  'publishing',
  'ready',
  'failed',
]);

/** A recording from the server's JSON, with every field present. */
export function recordingFromJson(json: unknown): RecordingInfo {
  const r = (json ?? {}) as Partial<Record<keyof RecordingInfo, unknown>>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const status = str(r.status) as RecordingStatus;
  const paths = (r.captionsPaths ?? {}) as Record<string, unknown>;
  return {
    id: str(r.id),
    title: str(r.title),
    room: str(r.room),
    classId: str(r.classId),
    lectureId: str(r.lectureId),
    startedAt: num(r.startedAt),
    endedAt: num(r.endedAt),
    durationMs: num(r.durationMs),
    status: STATUSES.has(status) ? status : 'failed',
    progress: Math.min(1, Math.max(0, num(r.progress))),
    languages: Array.isArray(r.languages) ? r.languages.filter((l) => typeof l === 'string') : [],
    chapters: Array.isArray(r.chapters)
      ? r.chapters.map((c: { atMs?: unknown; title?: unknown }) => ({
          atMs: num(c?.atMs),
          title: str(c?.title),
        }))
      : [],
    allowDownload: r.allowDownload === true,
    bytes: num(r.bytes),
    mediaPath: str(r.mediaPath),
    captionsPaths: Object.fromEntries(
      Object.entries(paths).filter((e): e is [string, string] => typeof e[1] === 'string'),
    ),
    chaptersPath: str(r.chaptersPath),
  };
}

/**
 * The HTTP base of a server from its signalling URL: `wss://host/prefix/ws` → `https://host/prefix`.
 */
export function httpBase(signallingUrl: string): string {
  return signallingUrl
    .replace(/[?#].*$/, '')
    .replace(/^ws/, 'http')
    .replace(/\/ws\/?$/, '')
    .replace(/\/$/, '');
}

/**
 * The recordings of the class a join token is for, over the server's HTTP API (CORS-enabled, so
 * a page on another origin may call it). Usable without a classroom connection:
 * `new RecordingsApi(url, token)`; in a classroom it is `client.recording`.
 */
export class RecordingsApi {
  readonly #target: () => { url: string; token: string };

  /**
   * `url`: the server's signalling (or HTTP) URL; `token`: a join token of the class. A function
   * giving both is read at each call.
   */
  constructor(url: string | (() => { url: string; token: string }), token = '') {
    if (typeof url === 'function') this.#target = url;
    else {
      if (!url || !token) throw new TypeError('url and token are required');
      this.#target = () => ({ url, token });
    }
  }

  get #base(): string {
    return httpBase(this.#target().url);
  }

  get #token(): string {
    return this.#target().token;
  }

  /** The class's recordings, newest first. */
  async list(): Promise<RecordingInfo[]> {
    const res = await this.#fetch('/api/recordings');
    const body = (await res.json()) as { recordings?: unknown[] };
    return (body.recordings ?? []).map(recordingFromJson);
  }

  /** One recording of the class, as it is now (its status, progress and download setting). */
  async get(id: string): Promise<RecordingInfo> {
    const res = await this.#fetch(`/api/recordings/${encodeURIComponent(id)}`);
    return recordingFromJson(await res.json());
  }

  /**
   * Whether this viewer may download the file now, asked of the server (a `HEAD`: nothing is
   * transferred). Resolves when allowed; a refusal is the server's CosmoError:
   * `PERMISSION_DENIED` when the teacher does not allow it, `INVALID_STATE` until it is published.
   */
  async assertDownloadable(rec: RecordingInfo): Promise<void> {
    const path = rec.mediaPath || `/api/recordings/${encodeURIComponent(rec.id)}/media`;
    await this.#fetch(`${path}${path.includes('?') ? '&' : '?'}download=1`, { method: 'HEAD' });
  }

  /** Moderators: lets the class's students download a recording, or not (they may still watch). */
  async setAllowDownload(id: string, allowed: boolean): Promise<void> {
    await this.#fetch(`/api/recordings/${encodeURIComponent(id)}/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ allowDownload: allowed }),
    });
  }

  /** The video (WebM, seekable); `download` asks for it as a file (refused unless allowed). */
  mediaUrl(rec: RecordingInfo, options: { download?: boolean } = {}): string {
    const path = rec.mediaPath || `/api/recordings/${encodeURIComponent(rec.id)}/media`;
    return this.#url(path) + (options.download ? '&download=1' : '');
  }

  /** The WebVTT captions of a recording in `language` (one of `rec.languages`). */
  captionsUrl(rec: RecordingInfo, language: string): string {
    const path =
      rec.captionsPaths[language] ??
      `/api/recordings/${encodeURIComponent(rec.id)}/captions/${encodeURIComponent(language)}.vtt`;
    return this.#url(path);
  }

  /** The WebVTT chapters of a recording. */
  chaptersUrl(rec: RecordingInfo): string {
    return this.#url(
      rec.chaptersPath || `/api/recordings/${encodeURIComponent(rec.id)}/chapters.vtt`,
    );
  }

  #url(path: string): string {
    const sep = path.includes('?') ? '&' : '?';
    return `${this.#base}${path}${sep}token=${encodeURIComponent(this.#token)}`;
  }

  /** A request with the token as Bearer; a refusal becomes the server's CosmoError. */
  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.#base + path, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${this.#token}`,
        },
      });
    } catch (err) {
      throw new CosmoError(ErrorCode.CLOSED, 'the server could not be reached', { cause: err });
    }
    if (res.ok) return res;
    // A HEAD answer has no body: its status says which refusal it was.
    const wire = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw CosmoError.fromWire({
      code: wire.code ?? CODE_OF_STATUS[res.status] ?? ErrorCode.INTERNAL,
      message: wire.message ?? `HTTP ${res.status}`,
    });
  }
}
