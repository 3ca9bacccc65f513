import { CosmoError, ErrorCode, NotFoundError, PermissionError, isModerator } from '@cosmo/core';
import type { RecordingRecord, RecordingRepository, RosterRepository } from './repositories.js';

/**
 * Who asks for a recording: the holder of a join token (its identity, room and role), or of an
 * admin token (its identity and `schoolId`, no room).
 */
export interface RecordingViewer {
  identity: string;
  /** The room of the join token; '' for an admin token. */
  room: string;
  /** The join token's role (for a room the roster does not know, moderators are told by it). */
  role?: string;
  /** An admin token's school. */
  schoolId?: string;
}

/** What a new recording is given; the rest starts at zero, empty, `recording`. */
export interface NewRecording {
  id: string;
  room: string;
  title: string;
  startedBy: string;
  allowDownload: boolean;
  startedAt: number;
}

const UNFINISHED = new Set(['recording', 'stopped', 'publishing']);

/** Whether a recording is still being made or published (its files are still changing). */
export const isUnfinished = (r: RecordingRecord) => UNFINISHED.has(r.status);

/**
 * Recorded lectures' records and who may see or change them: the members of the recording's
 * class on the roster (its teachers and assistants change its settings), admins of its school,
 * and for a room the roster does not know, the holders of a token for that room.
 */
export class SchoolRecordings {
  readonly #roster: RosterRepository;
  readonly #recordings: RecordingRepository;

  constructor(roster: RosterRepository, recordings: RecordingRepository) {
    this.#roster = roster;
    this.#recordings = recordings;
  }

  /** The class a room belongs to (a lecture's class, or the class itself) and the lecture. */
  #placeOf(room: string): { classId: string; schoolId: string; lectureId: string } {
    const lecture = this.#roster.lecture(room);
    const cls = this.#roster.schoolClass(lecture ? lecture.classId : room);
    if (!cls) return { classId: '', schoolId: '', lectureId: '' };
    return { classId: cls.id, schoolId: cls.schoolId, lectureId: lecture?.id ?? '' };
  }

  add(input: NewRecording): RecordingRecord {
    const record: RecordingRecord = {
      id: input.id,
      room: input.room,
      ...this.#placeOf(input.room),
      title: input.title,
      startedAt: input.startedAt,
      endedAt: 0,
      status: 'recording',
      progress: 0,
      durationMs: 0,
      bytes: 0,
      languages: [],
      chapters: [],
      allowDownload: input.allowDownload,
      error: '',
      expiresAt: 0,
      startedBy: input.startedBy,
    };
    this.#recordings.add(record);
    return record;
  }

  get(id: string): RecordingRecord | undefined {
    return this.#recordings.get(id);
  }

  /** Changes the given fields; returns the record as it is now (NOT_FOUND when there is none). */
  update(id: string, patch: Partial<Omit<RecordingRecord, 'id'>>): RecordingRecord {
    if (!this.#recordings.get(id)) throw new NotFoundError(`no recording ${id}`);
    this.#recordings.update(id, patch);
    return this.#recordings.get(id)!;
  }

  /** What a join token's holder may list: their class's recordings, or their unknown room's. */
  listFor(viewer: RecordingViewer): RecordingRecord[] {
    const place = this.#placeOf(viewer.room);
    if (!place.classId) return this.#recordings.forRoom(viewer.room).filter((r) => !r.classId);
    return this.#mayWatchClass(viewer.identity, place.classId, place.schoolId)
      ? this.#recordings.forClass(place.classId)
      : [];
  }

  /**
   * A recording its viewer may watch. NOT_FOUND when there is none, or it is another school's
   * (for an admin, or a person on another school's roster: they learn nothing of it);
   * PERMISSION_DENIED when the viewer is not in its class (or for an unknown room, their token is
   * for another room).
   */
  watchable(id: string, viewer: RecordingViewer): RecordingRecord {
    const recording = this.#recordings.get(id);
    if (!recording) throw new NotFoundError(`no recording ${id}`);
    if (viewer.schoolId !== undefined) {
      if (!recording.schoolId || recording.schoolId !== viewer.schoolId)
        throw new NotFoundError(`no recording ${id}`);
      return recording;
    }
    if (!recording.classId) {
      if (viewer.room !== recording.room)
        throw new PermissionError('this recording is of another classroom than your token');
      return recording;
    }
    const person = this.#roster.person(viewer.identity);
    if (person && person.schoolId !== recording.schoolId)
      throw new NotFoundError(`no recording ${id}`);
    if (!this.#mayWatchClass(viewer.identity, recording.classId, recording.schoolId))
      throw new PermissionError('only the members of its class may watch this recording');
    return recording;
  }

  /**
   * Refuses unless the viewer may change a recording's settings or delete it: a teacher or
   * assistant of its class (an admin of its school), or for an unknown room, a moderator's token
   * for that room.
   */
  assertModerates(id: string, viewer: RecordingViewer): RecordingRecord {
    const recording = this.watchable(id, viewer);
    if (viewer.schoolId !== undefined) return recording;
    if (!recording.classId) {
      if (!isModerator(viewer.role))
        throw new PermissionError('only a teacher or assistant may change this recording');
      return recording;
    }
    const person = this.#roster.person(viewer.identity);
    const moderates =
      person &&
      (person.role === 'admin' ||
        (isModerator(person.role) && this.#roster.isMember(recording.classId, person.id)));
    if (!moderates)
      throw new PermissionError(
        'only a teacher or assistant of its class may change this recording',
      );
    return recording;
  }

  /** Members of the class, and admins of its school. */
  #mayWatchClass(identity: string, classId: string, schoolId: string): boolean {
    if (this.#roster.isMember(classId, identity)) return true;
    const person = this.#roster.person(identity);
    return person?.role === 'admin' && person.schoolId === schoolId;
  }

  unfinished(): RecordingRecord[] {
    return this.#recordings.unfinished();
  }

  expired(now: number): RecordingRecord[] {
    return this.#recordings.expired(now);
  }

  all(schoolId?: string): RecordingRecord[] {
    return this.#recordings.all(schoolId);
  }

  remove(id: string): void {
    this.#recordings.remove(id);
  }

  /** Refuses (INVALID_STATE) to remove a recording still being made or published. */
  assertFinished(recording: RecordingRecord): void {
    if (isUnfinished(recording))
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        `the recording is still ${recording.status === 'publishing' ? 'being published' : 'in progress'}: delete it once it is published`,
      );
  }
}
