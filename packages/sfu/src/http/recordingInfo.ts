import type { RecordingInfo } from '@cosmo/core';
import type { RecordingRecord } from '@cosmo/school';

export type { RecordingInfo };

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
