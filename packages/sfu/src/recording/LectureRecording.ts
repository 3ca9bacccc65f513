import { mkdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { isModerator, type MediaSource } from '@cosmo/core';
import type { TranscriptLine } from '@cosmo/school';
import type { Classroom } from '../Classroom.js';
import type { Metrics } from '../metrics.js';
import type { Participant } from '../Participant.js';
import type { RecordingFiles } from './files.js';
import { appendLog, mendLog, readLog, type SegmentLogLine } from './recordingLogs.js';
import { TrackRecorder, containerFor } from './TrackRecorder.js';

/** A writer that died is started again after this long, at most this often per minute. */
const RESTART_DELAY_MS = 500;
const MAX_RESTARTS_PER_MINUTE = 6;
/** How often bytes written are counted for the metrics. */
const BYTES_EVERY_MS = 5000;

interface Writing {
  recorder: TrackRecorder;
  n: number;
  counted: number;
}

/**
 * One classroom's recording while the classroom lives: every moderator's microphone, camera and
 * screen, and each student's granted microphone, each producer to its own segment. Stopping and
 * starting again goes on in the same recording (a stretch each). A producer that comes back (a
 * reconnect, a worker that died and was replaced) gets a new segment; a writer that dies is
 * started again in a new one. Segments, stretches, chapters and final captions are logged as they
 * happen (recordingLogs.ts), so the publisher can join them when the lecture ends, or after a crash.
 */
export class LectureRecording {
  readonly id: string;
  readonly files: RecordingFiles;
  allowDownload: boolean;
  readonly #classroom: Classroom;
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #writing = new Map<string, Writing>();
  readonly #opening = new Set<string>();
  readonly #restarts: number[] = [];
  #segments = 0;
  #active = false;
  #since = 0;
  #closed = false;
  readonly #bytesTimer: ReturnType<typeof setInterval>;

  constructor(
    classroom: Classroom,
    id: string,
    files: RecordingFiles,
    options: { allowDownload: boolean; logger: Logger; metrics: Metrics },
  ) {
    this.#classroom = classroom;
    this.id = id;
    this.files = files;
    this.allowDownload = options.allowDownload;
    this.#logger = options.logger.child({ room: classroom.room, recording: id });
    this.#metrics = options.metrics;
    mkdirSync(files.segmentsDir, { recursive: true });
    // Going on with a recording a restart interrupted: new lines after a torn one, new segments
    // after the old ones.
    for (const log of [files.segmentLog, files.eventLog, files.captionLog]) mendLog(log);
    this.#segments = Math.max(0, ...readLog<SegmentLogLine>(files.segmentLog).map((l) => l.n));
    this.#bytesTimer = setInterval(() => this.#countBytes(), BYTES_EVERY_MS);
    this.#bytesTimer.unref();
  }

  /** Whether it records now. */
  get active(): boolean {
    return this.#active;
  }

  /** Unix ms when the current stretch began (0 when not active). */
  get since(): number {
    return this.#active ? this.#since : 0;
  }

  /** The ffmpeg pids writing now, by producer id (tests kill them). */
  writerPidsForTesting(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, w] of this.#writing) {
      const pid = w.recorder.pidForTesting;
      if (pid) out.set(id, pid);
    }
    return out;
  }

  /** Starts a stretch: records every producer that should be, and each new one. */
  start(): void {
    if (this.#active || this.#closed) return;
    this.#active = true;
    this.#since = Date.now();
    appendLog(this.files.eventLog, { type: 'on', at: this.#since });
    for (const p of this.#classroom.participants.values())
      for (const { producer, source } of p.producers.values()) this.track(p, producer, source);
  }

  /** Ends the stretch: every file is closed cleanly. */
  async stop(): Promise<void> {
    if (!this.#active) return;
    this.#active = false;
    appendLog(this.files.eventLog, { type: 'off', at: Date.now() });
    await Promise.all([...this.#writing.values()].map((w) => w.recorder.stop()));
  }

  /** A producer appeared (or is there when recording starts): records it if it should be. */
  track(p: Participant, producer: ms.Producer, source: MediaSource): void {
    if (!this.#active || this.#closed || producer.closed) return;
    if (this.#writing.has(producer.id) || this.#opening.has(producer.id)) return;
    // Students' faces and screens are theirs; a student heard in the lecture is recorded.
    const wanted = isModerator(p.role) || source === 'microphone' || source === 'screen-audio';
    if (!wanted) return;
    void this.#open(p, producer, source);
  }

  /** A chapter starts now (a poll, a screen share), when recording. */
  chapter(title: string): void {
    if (this.#active) appendLog(this.files.eventLog, { type: 'chapter', at: Date.now(), title });
  }

  /** A final caption line (times from the classroom's start), when recording. */
  caption(line: TranscriptLine): void {
    if (!this.#active) return;
    const base = this.#classroom.startedAt;
    appendLog(this.files.captionLog, {
      sequence: line.sequence,
      language: line.language,
      text: line.text,
      startAt: base + line.startMs,
      endAt: base + line.endMs,
      ...(line.uncertain && { uncertain: true }),
    });
  }

  /** Stops everything (files closed cleanly). No-op when closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.stop();
    this.#closed = true;
    clearInterval(this.#bytesTimer);
    this.#countBytes();
  }

  async #open(p: Participant, producer: ms.Producer, source: MediaSource): Promise<void> {
    this.#opening.add(producer.id);
    const n = ++this.#segments;
    const mime = producer.rtpParameters.codecs[0]?.mimeType ?? '';
    const ext = containerFor(mime) === 'webm' ? 'webm' : 'mkv';
    const file = join(this.files.segmentsDir, `${n}-${source}.${ext}`);
    let recorder: TrackRecorder;
    try {
      const router = this.#classroom.routerOfProducer(producer.id) ?? this.#classroom.router;
      recorder = await TrackRecorder.open(router, producer, file);
    } catch (err) {
      this.#opening.delete(producer.id);
      if (!producer.closed && this.#active) {
        this.#metrics.recordingFailures.inc({ stage: 'recorder' });
        this.#logger.error({ err, source }, 'a track could not be recorded');
        this.#retry(p, producer, source);
      }
      return;
    }
    this.#opening.delete(producer.id);
    if (!this.#active || this.#closed || producer.closed) {
      await recorder.stop();
      return;
    }
    // The segment is logged once its time zero is known (a video's first key frame).
    const logged = recorder.firstMediaAt.then((startedAt) =>
      appendLog(this.files.segmentLog, {
        type: 'start',
        n,
        file: relative(this.files.dir, file),
        kind: producer.kind,
        source,
        identity: p.identity,
        name: p.name,
        role: p.role,
        producerId: producer.id,
        startedAt,
      }),
    );
    const writing: Writing = { recorder, n, counted: 0 };
    this.#writing.set(producer.id, writing);
    this.#metrics.recordingTracks.inc();
    recorder.once('closed', (reason) => {
      this.#metrics.recordingTracks.dec();
      this.#countBytes(writing);
      this.#writing.delete(producer.id);
      const endedAt = Date.now();
      void logged.then(() => appendLog(this.files.segmentLog, { type: 'end', n, endedAt, reason }));
      if (reason === 'recorder exited' && this.#active && !producer.closed) {
        // The writer died under a live producer: what it wrote is kept, a new segment goes on.
        this.#metrics.recordingFailures.inc({ stage: 'recorder' });
        this.#logger.warn(
          { source, segment: n },
          'a recorder died; recording goes on in a new segment',
        );
        this.#retry(p, producer, source);
      }
    });
  }

  /** Starts a producer's recording again soon, unless writers keep dying. */
  #retry(p: Participant, producer: ms.Producer, source: MediaSource): void {
    const now = Date.now();
    while (this.#restarts.length && this.#restarts[0]! < now - 60_000) this.#restarts.shift();
    if (this.#restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      this.#logger.error({ source }, 'recorders keep failing; this track is no longer recorded');
      return;
    }
    this.#restarts.push(now);
    setTimeout(() => this.track(p, producer, source), RESTART_DELAY_MS).unref();
  }

  /** Adds what the writers wrote since the last count to the metrics. */
  #countBytes(only?: Writing): void {
    for (const w of only ? [only] : this.#writing.values()) {
      try {
        const size = statSync(w.recorder.file).size;
        if (size > w.counted) this.#metrics.recordingBytes.inc(size - w.counted);
        w.counted = size;
      } catch {
        // Not created yet.
      }
    }
  }
}
