import { join } from 'node:path';

/**
 * Where a recording's files are: `<dataDir>/recordings/<id>/`, holding the raw segments while it
 * records (`segments/`, with `segments.jsonl` and `captions.jsonl` logs), then the published
 * `lecture.webm`, a `captions.<language>.vtt` per language and `chapters.vtt`.
 */
export const recordingFiles = (dataDir: string, id: string) => {
  const dir = join(dataDir, 'recordings', id);
  return {
    dir,
    segmentsDir: join(dir, 'segments'),
    segmentLog: join(dir, 'segments.jsonl'),
    captionLog: join(dir, 'captions.jsonl'),
    eventLog: join(dir, 'events.jsonl'),
    published: join(dir, 'lecture.webm'),
    captions: (language: string) => join(dir, `captions.${language}.vtt`),
    chapters: join(dir, 'chapters.vtt'),
  };
};

export type RecordingFiles = ReturnType<typeof recordingFiles>;
