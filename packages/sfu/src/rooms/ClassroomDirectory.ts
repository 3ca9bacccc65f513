import type { Logger } from 'pino';
import { CosmoError, ErrorCode, PermissionError, TypedEmitter } from '@cosmo/core';
import type { EndedClassRepository, School, WaitingRoomRepository } from '@cosmo/school';
import { Classroom } from '../Classroom.js';
import type { Config } from '../config.js';
import type { MediaWorkerPool } from '../MediaWorkerPool.js';
import type { Metrics } from '../metrics.js';
import { MemoryEndedClassRepository } from '../MemoryEndedClassRepository.js';
import { MemoryWaitingRoomRepository } from '../MemoryWaitingRoomRepository.js';
import { initialPermissions, isAllowed, refusal } from '../permissions.js';
import type { JoinClaims } from '../tokens.js';
import { mainRoomOf } from './breakoutPlan.js';

/** What the directory needs from the server. */
export interface ClassroomDirectoryContext {
  config: Pick<Config, 'listenIp' | 'announcedIp' | 'maxParticipants' | 'consumersPerWorker'>;
  pool: MediaWorkerPool;
  metrics: Metrics;
  logger: Logger;
  /** The school's records, when the school features are on. */
  school: School | undefined;
  /** Refuses a join token for a breakout room that is closed (see BreakoutService.refusal). */
  breakoutRooms?: { refusal(claims: JoinClaims): CosmoError | undefined };
}

/** Directory events, for the services that attach to every classroom. */
export type ClassroomDirectoryEvents = {
  /** A classroom opened (its first participant is about to join). */
  opened: [classroom: Classroom];
};

/**
 * The open classrooms by room, and what is known of rooms that are not open: their titles, the
 * class or lecture they are, and whether their teacher ended them. Opens a room's classroom on
 * its first join (once, however many join at the same moment) and forgets it when it closes.
 */
export class ClassroomDirectory extends TypedEmitter<ClassroomDirectoryEvents> {
  readonly #ctx: ClassroomDirectoryContext;
  readonly #open = new Map<string, Classroom>();
  readonly #opening = new Map<string, Promise<Classroom>>();
  readonly #titles = new Map<string, string>();
  /** Classes a moderator ended: their earlier tokens are refused until one starts them again. */
  readonly #ended: EndedClassRepository;
  /** Each room's waiting-room settings: they outlive its classroom (and, with a school, restarts). */
  readonly #waitingRooms: WaitingRoomRepository;

  constructor(ctx: ClassroomDirectoryContext) {
    super();
    this.#ctx = ctx;
    this.#ended = ctx.school?.repos.endedClasses ?? new MemoryEndedClassRepository();
    this.#waitingRooms = ctx.school?.repos.waitingRooms ?? new MemoryWaitingRoomRepository();
  }

  /** The open classrooms, by room. */
  get open(): ReadonlyMap<string, Classroom> {
    return this.#open;
  }

  /** The open classroom of `room`, if any. */
  get(room: string): Classroom | undefined {
    return this.#open.get(room);
  }

  /** Names a classroom (shown in the header) before or after it opens. */
  setTitle(room: string, title: string): void {
    this.#titles.set(room, title);
    this.#open.get(room)?.rename(title);
  }

  /**
   * Forgets a room's title. Titles outlive their classroom (a class started again keeps its
   * name), so whoever set one forgets it when the room is gone for good.
   */
  forgetTitle(room: string): void {
    this.#titles.delete(room);
  }

  /**
   * The class a room belongs to: the class of its lecture, or the class it is named after (a
   * breakout room's is its main room's).
   */
  classOf(room: string): string | undefined {
    const roster = this.#ctx.school?.repos.roster;
    const home = mainRoomOf(room) ?? room;
    return roster?.lecture(home)?.classId ?? (roster?.schoolClass(home) ? home : undefined);
  }

  /**
   * Ends a room with nobody to end it (a breakout room whose breakout is over): its tokens signed
   * until now are refused with CLASS_ENDED, like those of a class its teacher ended.
   */
  endRoom(room: string): void {
    this.#ended.markEnded(room, Date.now());
  }

  /** Whether a moderator ended the class `room` (and nobody has started it again). */
  isEnded(room: string): boolean {
    return this.#ended.endedAt(room) !== undefined;
  }

  /**
   * The open classroom a join token admits to, opening it when it is not. Refuses first:
   * NOT_AUTHORIZED when the token's person and the room's class belong to different schools;
   * CLASS_ENDED when the class was ended after the token was signed (the same link does not open
   * a fresh classroom a moment after the teacher closed it), unless a moderator asks to `reopen`
   * it; a token signed after the end (the next lesson's) is let in.
   */
  async enter(claims: JoinClaims, reopen: boolean): Promise<Classroom> {
    const { room, identity, role } = claims;
    const classId = this.classOf(room);
    if (classId) this.#ctx.school?.assertMayJoin(classId, identity);
    const closedBreakoutRoom = this.#ctx.breakoutRooms?.refusal(claims);
    if (closedBreakoutRoom) throw closedBreakoutRoom;
    if (reopen && !isAllowed(role, initialPermissions(role, true), 'reopenClass')) {
      throw new PermissionError(refusal(role, 'reopenClass'));
    }
    const endedAt = this.#ended.endedAt(room);
    if (endedAt !== undefined) {
      if (reopen) this.#ended.reopen(room);
      else if ((claims.issuedAt ?? 0) <= endedAt) {
        throw new CosmoError(
          ErrorCode.CLASS_ENDED,
          'this class has ended; only its teacher can start it again',
        );
      }
    }
    const existing = this.#open.get(room);
    if (existing && !existing.closed) return existing;
    let opening = this.#opening.get(room);
    if (opening) return opening;
    opening = this.#openClassroom(room);
    this.#opening.set(room, opening);
    try {
      return await opening;
    } finally {
      this.#opening.delete(room);
    }
  }

  /** Ends every open classroom (the server is closing). */
  closeAll(): void {
    for (const classroom of [...this.#open.values()]) classroom.close();
  }

  async #openClassroom(room: string): Promise<Classroom> {
    const { config, school, metrics } = this.#ctx;
    // A breakout room is part of its main room's lecture (attendance, the lecture's title).
    const lectureRoom = mainRoomOf(room) ?? room;
    const lecture = school?.repos.roster.lecture(lectureRoom);
    const classroom = await Classroom.open(
      room,
      {
        pool: this.#ctx.pool,
        metrics,
        logger: this.#ctx.logger,
        listenIp: config.listenIp,
        announcedIp: config.announcedIp,
        maxParticipants: config.maxParticipants,
        consumersPerWorker: config.consumersPerWorker,
        ...(school ? { storeChat: (message) => school.storeChat(message).seq } : {}),
        waitingRoom: { settings: this.#waitingRooms, roster: school?.repos.roster },
      },
      {
        title: this.#titles.get(room) ?? lecture?.title ?? room,
        classId: this.classOf(room) ?? '',
        lectureId: lecture ? lectureRoom : '',
      },
    );
    this.#open.set(room, classroom);
    metrics.rooms.inc();
    classroom.once('ended', () => this.#ended.markEnded(room, Date.now()));
    classroom.once('closed', () => {
      if (this.#open.get(room) === classroom) this.#open.delete(room);
      metrics.rooms.dec();
    });
    this.safeEmit('opened', classroom);
    return classroom;
  }
}
