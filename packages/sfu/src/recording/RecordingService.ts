import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CosmoError, ErrorCode, InvalidStateError, toCosmoError, type cosmo } from '@cosmo/core';
import type { RecordingRecord, School } from '@cosmo/school';
import type { Classroom } from '../Classroom.js';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { Participant } from '../Participant.js';
import type { ClassroomDirectory } from '../rooms/ClassroomDirectory.js';
import { recordingFiles } from './files.js';
import { LectureRecording } from './LectureRecording.js';
import { publishRecording } from './publishRecording.js';
import { appendLog, mendLog } from './recordingLogs.js';

const DAY_MS = 86_400_000;
/** Expired recordings are looked for this often. */
const PURGE_EVERY_MS = 6 * 3_600_000;
/** Publishing progress is written to the records at most this often. */
const PROGRESS_EVERY_MS = 1000;
/**
 * A recording that was running when the server stopped goes on if its classroom opens again
 * within this long (a deploy, a crash and restart); otherwise it is published.
 */
const RESUME_WITHIN_MS = 3 * 60_000;

type RecordingState = cosmo.v1.RecordingState.$Properties;

export interface RecordingServiceOptions {
  config: Pick<Config, 'dataDir' | 'recording'>;
  school: School | undefined;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Lecture recordings for every classroom: a moderator starts and stops recording (everyone is
 * told); each classroom session has one recording (`LectureRecording`), published when the lecture
 * ends (a moderator ends it, or the classroom closes), one at a time, at a low priority. At start
 * it publishes what a crash interrupted and purges what is past its retention.
 */
export class RecordingService {
  readonly #options: RecordingServiceOptions;
  readonly #logger: Logger;
  readonly #live = new Map<Classroom, { recording: LectureRecording; by: string }>();
  readonly #queue: string[] = [];
  /** Recordings a stop of the server interrupted, by room, waiting for their classroom. */
  readonly #interrupted = new Map<string, { record: RecordingRecord; timer: NodeJS.Timeout }>();
  #publishing: Promise<void> | undefined;
  readonly #abort = new AbortController();
  readonly #purgeTimer: ReturnType<typeof setInterval>;
  #ffmpeg: boolean | undefined;
  #closed = false;

  constructor(classrooms: ClassroomDirectory, options: RecordingServiceOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'recordings' });
    classrooms.on('opened', (classroom) => this.#attach(classroom));
    this.#purgeTimer = setInterval(() => this.purgeExpired(), PURGE_EVERY_MS);
    this.#purgeTimer.unref();
  }

  /**
   * After a start: a recording that was running when the server stopped goes on when its
   * classroom opens again (within RESUME_WITHIN_MS), else it is published; one that was stopped
   * or publishing is published now. Purges expired recordings.
   */
  recover(): void {
    const school = this.#options.school;
    if (!school || !this.#options.config.recording.enabled) return;
    this.purgeExpired();
    for (const r of school.unfinishedRecordings()) {
      // Another node's (cluster mode): its files are there, not here.
      if (!existsSync(this.#files(r.id).dir)) continue;
      if (r.status === 'recording' && !this.#interrupted.has(r.room)) {
        const timer = setTimeout(() => {
          this.#interrupted.delete(r.room);
          this.#logger.info({ recording: r.id }, 'its lecture did not come back: publishing');
          this.#enqueue(r.id);
        }, RESUME_WITHIN_MS);
        timer.unref();
        this.#interrupted.set(r.room, { record: r, timer });
        continue;
      }
      this.#logger.info(
        { recording: r.id, status: r.status },
        'publishing an interrupted recording',
      );
      this.#enqueue(r.id);
    }
  }

  /** A classroom's recording while it lives (tests). */
  liveForTesting(classroom: Classroom): LectureRecording | undefined {
    return this.#live.get(classroom)?.recording;
  }

  /** What a joining participant is told. */
  state(classroom: Classroom): RecordingState {
    const live = this.#live.get(classroom);
    if (!live) return { active: false };
    return {
      active: live.recording.active,
      recordingId: live.recording.id,
      startedAt: live.recording.since,
      allowDownload: live.recording.allowDownload,
      byParticipantId: live.by,
    };
  }

  /** A moderator starts recording (or goes on with this lecture's recording). */
  start(classroom: Classroom, p: Participant, allowDownload: boolean): RecordingState {
    classroom.authorize(p, 'record');
    const school = this.#available();
    if (classroom.state().ended) throw new InvalidStateError('the class has ended');
    let live = this.#live.get(classroom);
    if (!live) {
      const id = randomUUID();
      school.addRecording({
        id,
        room: classroom.room,
        title: titleOf(school, classroom),
        startedBy: p.identity,
        allowDownload,
        startedAt: Date.now(),
      });
      const recording = new LectureRecording(classroom, id, this.#files(id), {
        allowDownload,
        logger: this.#logger,
        metrics: this.#options.metrics,
      });
      live = { recording, by: p.id };
      this.#live.set(classroom, live);
    }
    const { recording } = live;
    live.by = p.id;
    if (recording.allowDownload !== allowDownload) {
      recording.allowDownload = allowDownload;
      school.updateRecording(recording.id, { allowDownload });
    }
    if (!recording.active) {
      recording.start();
      school.updateRecording(recording.id, { status: 'recording' });
      this.#options.metrics.recordingsActive.inc();
    }
    return this.#tell(classroom);
  }

  /** A moderator stops recording; it is published when the lecture ends. */
  async stop(classroom: Classroom, p: Participant): Promise<RecordingState> {
    classroom.authorize(p, 'record');
    const live = this.#live.get(classroom);
    if (live?.recording.active) {
      live.by = p.id;
      await live.recording.stop();
      this.#options.metrics.recordingsActive.dec();
      this.#options.school?.updateRecording(live.recording.id, { status: 'stopped' });
    }
    return this.#tell(classroom);
  }

  /** Removes recordings past their retention (records and files). */
  purgeExpired(now = Date.now()): number {
    const school = this.#options.school;
    if (!school) return 0;
    const expired = school.expiredRecordings(now);
    for (const r of expired) {
      rmSync(this.#files(r.id).dir, { recursive: true, force: true });
      school.removeRecording(r.id);
      this.#logger.info({ recording: r.id }, 'recording purged (retention)');
    }
    return expired.length;
  }

  /** Resolves when nothing is being published or waits to be (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#publishing) await this.#publishing;
  }

  /**
   * Stops every recording (files closed cleanly) and any publishing; what was recorded is
   * published at the next start.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#purgeTimer);
    for (const { timer } of this.#interrupted.values()) clearTimeout(timer);
    this.#interrupted.clear();
    this.#abort.abort();
    const live = [...this.#live.values()];
    this.#live.clear();
    await Promise.all(live.map(({ recording }) => this.#end(recording, false)));
    await this.#publishing?.catch(() => {});
  }

  #attach(classroom: Classroom): void {
    this.#resume(classroom);
    const live = () => this.#live.get(classroom)?.recording;
    classroom.on('producerAdded', (p, producer, source) => {
      const recording = live();
      if (!recording) return;
      if (source === 'screen') recording.chapter(`${p.name}: screen`);
      recording.track(p, producer, source);
    });
    classroom.on('captionLine', (line) => live()?.caption(line));
    classroom.on('pollStarted', (question) => live()?.chapter(question));
    // The lecture is over: publish what was recorded.
    const finish = () => {
      const entry = this.#live.get(classroom);
      if (!entry) return;
      this.#live.delete(classroom);
      void this.#end(entry.recording, !this.#closed).then(() => {
        if (!classroom.closed) this.#tell(classroom);
      });
    };
    classroom.on('ended', finish);
    classroom.once('closed', finish);
  }

  /** A classroom opens whose recording a stop of the server interrupted: it goes on. */
  #resume(classroom: Classroom): void {
    const waiting = this.#interrupted.get(classroom.room);
    if (!waiting || this.#closed) return;
    clearTimeout(waiting.timer);
    this.#interrupted.delete(classroom.room);
    const { record } = waiting;
    // The stretch the stop cut short ends at the last moment written (a SIGKILL logged no end):
    // the time the server was down is left out of the file.
    const files = this.#files(record.id);
    const lastWrite = lastWriteIn(files.segmentsDir);
    mendLog(files.eventLog);
    if (lastWrite) appendLog(files.eventLog, { type: 'off', at: Math.round(lastWrite) });
    const recording = new LectureRecording(classroom, record.id, this.#files(record.id), {
      allowDownload: record.allowDownload,
      logger: this.#logger,
      metrics: this.#options.metrics,
    });
    this.#live.set(classroom, { recording, by: '' });
    recording.start();
    this.#options.metrics.recordingsActive.inc();
    this.#logger.info({ recording: record.id }, 'recording goes on after a restart');
  }

  /**
   * Stops a recording for good: queued for publishing, or, when the server is stopping, left for
   * the next start (to go on if it was recording, else to be published).
   */
  async #end(recording: LectureRecording, publish: boolean): Promise<void> {
    const wasActive = recording.active;
    await recording.close();
    if (wasActive) this.#options.metrics.recordingsActive.dec();
    const school = this.#options.school;
    if (!school) return;
    school.updateRecording(recording.id, {
      status: publish ? 'publishing' : wasActive ? 'recording' : 'stopped',
      endedAt: Date.now(),
    });
    if (publish) this.#enqueue(recording.id);
  }

  #enqueue(id: string): void {
    this.#queue.push(id);
    this.#publishing ??= this.#drain().finally(() => (this.#publishing = undefined));
  }

  async #drain(): Promise<void> {
    for (let id = this.#queue.shift(); id && !this.#closed; id = this.#queue.shift())
      await this.#publish(id);
  }

  async #publish(id: string): Promise<void> {
    const school = this.#options.school!;
    const record = school.recording(id);
    if (!record) return;
    const { recording: config } = this.#options.config;
    const files = this.#files(id);
    school.updateRecording(id, { status: 'publishing', progress: 0 });
    let told = 0;
    const started = Date.now();
    try {
      const published = await publishRecording(files, {
        title: record.title,
        compose: {
          width: config.width,
          height: config.height,
          fps: config.fps,
          videoKbps: config.videoKbps,
          audioKbps: config.audioKbps,
          threads: config.publishThreads,
        },
        signal: this.#abort.signal,
        onProgress: (fraction) => {
          if (Date.now() - told < PROGRESS_EVERY_MS) return;
          told = Date.now();
          school.updateRecording(id, { progress: Math.round(fraction * 100) / 100 });
        },
      });
      const now = Date.now();
      school.updateRecording(id, {
        status: 'ready',
        progress: 1,
        durationMs: published.durationMs,
        bytes: published.bytes,
        languages: published.languages,
        chapters: published.chapters,
        endedAt: lastMoment(record, published.durationMs),
        expiresAt: config.retentionDays > 0 ? now + config.retentionDays * DAY_MS : 0,
        error: '',
      });
      if (!config.keepSegments) rmSync(files.segmentsDir, { recursive: true, force: true });
      this.#options.metrics.recordingsPublished.inc();
      this.#logger.info(
        {
          recording: id,
          durationMs: published.durationMs,
          bytes: published.bytes,
          tookMs: now - started,
          longestGapMs: published.longestGapMs,
        },
        'recording published',
      );
    } catch (err) {
      if (this.#closed) return; // Published at the next start.
      const error = toCosmoError(err);
      if (error.reason === 'NOTHING_RECORDED') {
        // Started and stopped with nobody sending: there is nothing to watch, so nothing is listed.
        rmSync(files.dir, { recursive: true, force: true });
        school.removeRecording(id);
        this.#logger.info({ recording: id }, 'nothing was recorded; the recording is dropped');
        return;
      }
      this.#options.metrics.recordingFailures.inc({ stage: 'publish' });
      this.#logger.error({ err, recording: id }, 'a recording could not be published');
      school.updateRecording(id, { status: 'failed', error: error.message.slice(0, 500) });
    }
  }

  /** Tells everyone in the classroom how recording stands; returns it. */
  #tell(classroom: Classroom): RecordingState {
    const state = this.state(classroom);
    classroom.broadcast({ recordingChanged: { state } });
    return state;
  }

  #available(): School {
    const { school, config } = this.#options;
    if (!config.recording.enabled)
      throw new CosmoError(ErrorCode.UNAVAILABLE, 'recording is turned off on this server', {
        reason: 'RECORDING_OFF',
      });
    if (!school)
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        'recording needs the school records (school: true in the config)',
        { reason: 'RECORDING_OFF' },
      );
    this.#ffmpeg ??= spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
    if (!this.#ffmpeg)
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        'ffmpeg is not installed (Debian package ffmpeg): lectures cannot be recorded',
        { reason: 'FFMPEG_MISSING' },
      );
    return school;
  }

  #files(id: string) {
    return recordingFiles(this.#options.config.dataDir, id);
  }
}

/** When a file in `dir` was last written (Unix ms), 0 when there is none. */
function lastWriteIn(dir: string): number {
  try {
    return Math.max(0, ...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
  } catch {
    return 0;
  }
}

/** A recording's title: the lecture's, else the class's name, else the classroom's title. */
function titleOf(school: School, classroom: Classroom): string {
  const { roster } = school.repos;
  return (
    roster.lecture(classroom.room)?.title ||
    roster.schoolClass(classroom.room)?.name ||
    classroom.state().title ||
    classroom.room
  );
}

/** When a recording ended: its start plus what it holds, at least. */
function lastMoment(record: RecordingRecord, durationMs: number): number {
  return Math.max(record.endedAt, record.startedAt + durationMs);
}
