import type { RecordingChapter, RecordingRecord, RecordingStatus } from '@cosmo/school';

/**
 * A recording as the HTTP API shows it: the record's public fields and where its files are served
 * (paths without a token: a page appends `?token=`). Never the reason it failed nor where its
 * files are on disk.
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
  /** Publishing: 0…1. */
  progress: number;
  /** Caption languages, the spoken one first. */
  languages: string[];
  chapters: RecordingChapter[];
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

/** The API's view of a recording. */
export function recordingInfo(r: RecordingRecord): RecordingInfo {
  const base = `/api/recordings/${encodeURIComponent(r.id)}`;
  return {
    id: r.id,
    title: r.title,
    room: r.room,
    classId: r.classId,
    lectureId: r.lectureId,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.durationMs,
    status: r.status,
    progress: r.progress,
    languages: r.languages,
    chapters: r.chapters,
    allowDownload: r.allowDownload,
    bytes: r.bytes,
    mediaPath: `${base}/media`,
    captionsPaths: Object.fromEntries(
      r.languages.map((lang) => [lang, `${base}/captions/${encodeURIComponent(lang)}.vtt`]),
    ),
    chaptersPath: `${base}/chapters.vtt`,
  };
}
