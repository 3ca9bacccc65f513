/** Where a recording is in its life: being written, stopped, being published, playable, or lost. */
export type RecordingStatus = 'recording' | 'stopped' | 'publishing' | 'ready' | 'failed';

/** A chapter of a published recording (a poll or a screen share started here). */
export interface RecordingChapterInfo {
  /** Offset from the recording's start. */
  atMs: number;
  title: string;
}

/**
 * A recorded lecture as the HTTP API shows it (`GET /api/recordings`, docs/recordings.md): the
 * record's public fields and where its files are served (paths without a token: a page appends
 * `?token=`). Never the reason it failed nor where its files are on disk.
 */
export interface RecordingInfo {
  id: string;
  title: string;
  room: string;
  classId: string;
  lectureId: string;
  /** Unix ms; `endedAt` is 0 while it records. */
  startedAt: number;
  endedAt: number;
  durationMs: number;
  status: RecordingStatus;
  /** 0…1 while publishing. */
  progress: number;
  /** Caption languages of the published file, the spoken one first. */
  languages: string[];
  chapters: RecordingChapterInfo[];
  /** Whether students of the class may download the file (they may always watch it). */
  allowDownload: boolean;
  /** Of the published file. */
  bytes: number;
  /** The published video (`GET`/`HEAD`, ranges; `&download=1` for an attachment). */
  mediaPath: string;
  /** WebVTT captions by language. */
  captionsPaths: Record<string, string>;
  /** WebVTT chapters. */
  chaptersPath: string;
}
