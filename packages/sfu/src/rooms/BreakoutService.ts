import type { Logger } from 'pino';
import {
  CosmoError,
  ErrorCode,
  SharedServerEvent,
  cosmo,
  isModerator,
  type Role,
} from '@cosmo/core';
import type { Classroom } from '../Classroom.js';
import type { EventBody, Participant } from '../Participant.js';
import type { JoinClaims, TokenService } from '../tokens.js';
import { Breakout, type BreakoutRoomState } from './Breakout.js';
import {
  BREAKOUT_LIMITS,
  invalid,
  mainRoomOf,
  planBreakout,
  type BreakoutLimits,
} from './breakoutPlan.js';
import type { ClassroomDirectory } from './ClassroomDirectory.js';

/** What the breakout service needs from the server. */
export interface BreakoutServiceContext {
  tokens: TokenService;
  classrooms: ClassroomDirectory;
  logger: Logger;
  /**
   * Cluster mode: a breakout room this node knows nothing of may be another node's (its end is
   * still refused everywhere, through the shared record of ended classes).
   */
  clustered: boolean;
}

/** Why a participant is sent to another room (`MoveTo.reason`). */
export type MoveReason = 'breakout' | 'visit' | 'breakout_ended' | 'called_back';

/** How long after a breakout ends its rooms close on whoever did not follow the move back. */
export const STRAGGLER_GRACE_MS = 10_000;

/** How long a join token for a breakout room outlives the longest the breakout may run. */
const TOKEN_GRACE_SECONDS = 120;

/** How long the token back to the main room lasts (the rest of the lesson). */
const MAIN_ROOM_TOKEN_SECONDS = 2 * 3600;

/**
 * The breakouts of every main room of this server. A breakout's rooms are classrooms of their
 * own (`<main room>~b<n>`, opened by the directory on their first join); this service keeps who
 * belongs where and the end, which outlive the main room's classroom (it closes when everyone is
 * in the breakout rooms), and moves people: a `moveTo` with a join token it mints for that person
 * and room, which the client follows on the same socket.
 */
export class BreakoutService {
  readonly #ctx: BreakoutServiceContext;
  readonly #running = new Map<string, Breakout>();
  /** The next breakout room number of each main room: no room id is used twice. */
  readonly #nextRoom = new Map<string, number>();
  /** The main room's title at the start (its classroom may close meanwhile). */
  readonly #mainTitles = new Map<Breakout, string>();
  /** What each student had in the main room (it is what they get back). */
  readonly #home = new Map<Breakout, Map<string, NonNullable<JoinClaims['grants']>>>();
  readonly #watched = new WeakSet<Classroom>();
  /** Who was just moved back to each main room (let in past its waiting room if it reopens). */
  readonly #returning = new Map<string, Set<string>>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #limits: BreakoutLimits = { ...BREAKOUT_LIMITS };
  #closed = false;

  constructor(ctx: BreakoutServiceContext) {
    this.#ctx = ctx;
    ctx.classrooms.on('opened', (classroom) => this.#opened(classroom));
  }

  /** The limits in force. */
  get limits(): Readonly<BreakoutLimits> {
    return this.#limits;
  }

  /** Tests only: shorter breakouts than a lesson would ever have. */
  setLimitsForTesting(limits: Partial<BreakoutLimits>): void {
    this.#limits = { ...this.#limits, ...limits };
  }

  /** The running breakout that `room` is the main room or a breakout room of. */
  of(room: string): Breakout | undefined {
    return this.#running.get(mainRoomOf(room) ?? room) ?? this.#running.get(room);
  }

  /** The breakout as a participant of `room` with `role` sees it, while one runs. */
  viewFor(room: string, role: Role): cosmo.v1.Breakout.$Properties | undefined {
    return this.of(room)?.view(isModerator(role));
  }

  /**
   * Why a join token may not open a breakout room (CLASS_ENDED, reason BREAKOUT_ENDED): its
   * breakout is over (or, on one node, is not running at all), or the token was signed before
   * the breakout that now has the room began. Undefined for any other room.
   */
  refusal(claims: JoinClaims): CosmoError | undefined {
    const mainRoom = mainRoomOf(claims.room);
    if (mainRoom === undefined) return undefined;
    const breakout = this.#running.get(mainRoom);
    const open = breakout
      ? breakout.has(claims.room) && (claims.issuedAt ?? 0) >= breakout.startedAt
      : this.#ctx.clustered;
    // A student opens only the room the breakout gave them (a token minted elsewhere for another
    // room does not get around the assignment); moderators visit any.
    if (
      open &&
      breakout &&
      !isModerator(claims.role) &&
      breakout.roomOf(claims.identity)?.id !== claims.room
    )
      return new CosmoError(
        ErrorCode.PERMISSION_DENIED,
        'this is not your breakout room; your teacher assigns the rooms',
        { reason: 'NOT_YOUR_BREAKOUT_ROOM', params: { mainRoom } },
      );
    if (open) return undefined;
    return new CosmoError(
      ErrorCode.CLASS_ENDED,
      'this breakout room has closed; go back to the main room',
      { reason: 'BREAKOUT_ENDED', params: { mainRoom } },
    );
  }

  /**
   * Starts a breakout of `classroom` (a main room): everyone there hears `breakoutStarted`, then
   * every assigned student present is moved to their room. INVALID_STATE when one runs already
   * or `classroom` is itself a breakout room.
   */
  async start(
    classroom: Classroom,
    by: Participant,
    req: cosmo.v1.IStartBreakoutRequest,
  ): Promise<Breakout> {
    classroom.authorize(by, 'runBreakout');
    this.#assertOpen();
    if (mainRoomOf(classroom.room) !== undefined)
      throw inBreakoutRoom('a breakout room cannot have breakout rooms of its own');
    const mainRoom = classroom.room;
    if (this.#running.has(mainRoom))
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        'a breakout is running already; extend or end it first',
        { reason: 'BREAKOUT_RUNNING' },
      );
    const students = [...classroom.participants.values()].filter((p) => p.role === 'student');
    const plan = planBreakout(req, [...new Set(students.map((p) => p.identity))], this.#limits);
    const first = this.#nextRoom.get(mainRoom) ?? 1;
    this.#nextRoom.set(mainRoom, first + plan.names.length);
    const breakout = new Breakout(mainRoom, plan, first);
    this.#running.set(mainRoom, breakout);
    this.#mainTitles.set(breakout, classroom.title);
    this.#home.set(breakout, new Map());
    for (const room of breakout.rooms) this.#ctx.classrooms.setTitle(room.id, room.name);
    breakout.once('due', () => {
      this.#finish(breakout, 'breakout_ended').catch((err: unknown) =>
        this.#ctx.logger.error({ err, room: mainRoom }, 'could not end a breakout'),
      );
    });
    this.#watch(classroom);
    this.#tell(classroom.participants.values(), breakout, (view) => ({
      breakoutStarted: { breakout: view },
    }));
    await Promise.all(
      students.map((p) => {
        const room = breakout.roomOf(p.identity);
        return room ? this.#moveToRoom(breakout, p, room, 'breakout') : undefined;
      }),
    );
    return breakout;
  }

  /** Pushes the end back; everyone in the main and breakout rooms hears `breakoutUpdated`. */
  extend(classroom: Classroom, by: Participant, seconds: number): Breakout {
    classroom.authorize(by, 'runBreakout');
    const breakout = this.#current(classroom);
    breakout.extend(seconds, this.#limits.maxTotalSeconds);
    this.#tell(this.#everyone(breakout), breakout, (view) => ({
      breakoutUpdated: { breakout: view },
    }));
    return breakout;
  }

  /** Ends the breakout now: everyone is called back to the main room. */
  async end(classroom: Classroom, by: Participant): Promise<void> {
    classroom.authorize(by, 'runBreakout');
    await this.#finish(this.#current(classroom), 'called_back');
  }

  /** A moderator's message, shown in every room of the breakout and in the main room. */
  message(classroom: Classroom, by: Participant, text: string): void {
    classroom.authorize(by, 'runBreakout');
    const breakout = this.#current(classroom);
    const trimmed = text.trim();
    if (!trimmed) throw invalid('the message is empty', 'EMPTY');
    if (trimmed.length > this.#limits.maxMessageLength)
      throw invalid(
        `a message to the rooms is at most ${this.#limits.maxMessageLength} characters`,
        'TOO_LONG',
        { max: String(this.#limits.maxMessageLength) },
      );
    const event = new SharedServerEvent({ breakoutMessage: { text: trimmed, fromName: by.name } });
    for (const p of this.#everyone(breakout)) p.send(event);
  }

  /**
   * A student picks a room (choose mode) and is moved there; moderators hear who picked what.
   * NOT_FOUND for a room of no running breakout; INVALID_STATE in another mode.
   */
  async choose(classroom: Classroom, by: Participant, roomId: string): Promise<void> {
    classroom.authorize(by, 'chooseBreakoutRoom');
    const breakout = this.#current(classroom);
    if (breakout.mode !== cosmo.v1.BreakoutMode.BREAKOUT_MODE_CHOOSE)
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        'in this breakout the moderator assigns the rooms',
        { reason: 'NOT_CHOOSE_MODE' },
      );
    const room = breakout.room(roomId);
    if (classroom.room === room.id) return;
    breakout.choose(by.identity, room);
    this.#tell(
      this.#everyone(breakout),
      breakout,
      (view) => ({
        breakoutUpdated: { breakout: view },
      }),
      true,
    );
    await this.#moveToRoom(breakout, by, room, 'breakout');
  }

  /** A moderator goes to a breakout room (its role kept), or back to the main room (`''`). */
  async visit(classroom: Classroom, by: Participant, roomId: string): Promise<void> {
    classroom.authorize(by, 'runBreakout');
    const breakout = this.#current(classroom);
    if (!roomId) {
      if (classroom.room !== breakout.mainRoom) await this.#moveHome(breakout, by, 'visit');
      return;
    }
    const room = breakout.room(roomId);
    if (classroom.room !== room.id) await this.#moveToRoom(breakout, by, room, 'visit');
  }

  /** Ends every breakout's timers (the server is closing; the classrooms close on their own). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const breakout of this.#running.values()) breakout.close();
    this.#running.clear();
    this.#returning.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /**
   * The breakout is over (its time, or a moderator's `endBreakout`): its rooms refuse their
   * tokens from now on, everyone in them is moved back to the main room, everyone hears
   * `breakoutEnded`, and whoever has not followed the move a little later is closed out.
   */
  async #finish(breakout: Breakout, reason: MoveReason): Promise<void> {
    if (this.#running.get(breakout.mainRoom) !== breakout) return;
    const { classrooms, logger } = this.#ctx;
    const inRooms = [...this.#inRooms(breakout)];
    const main = classrooms.get(breakout.mainRoom);
    this.#running.delete(breakout.mainRoom);
    breakout.close();
    for (const room of breakout.rooms) classrooms.endRoom(room.id);
    // Let back in past the main room's waiting room: they were in this lecture all along.
    const returning = new Set(inRooms.map((p) => p.identity));
    for (const identity of returning) main?.letIn(identity);
    this.#returning.set(breakout.mainRoom, returning);
    await Promise.all(
      inRooms.map((p) =>
        this.#moveHome(breakout, p, reason).catch((err: unknown) =>
          logger.error({ err, room: p.room }, 'could not move a participant back'),
        ),
      ),
    );
    const ended = new SharedServerEvent({ breakoutEnded: {} });
    for (const p of [
      ...(classrooms.get(breakout.mainRoom)?.participants.values() ?? []),
      ...inRooms,
    ])
      p.send(ended);
    this.#mainTitles.delete(breakout);
    this.#home.delete(breakout);
    this.#later(() => {
      if (this.#returning.get(breakout.mainRoom) === returning)
        this.#returning.delete(breakout.mainRoom);
      for (const room of breakout.rooms) {
        classrooms.get(room.id)?.close('breakout_ended');
        classrooms.forgetTitle(room.id);
      }
    }, STRAGGLER_GRACE_MS);
  }

  /** The main room's class was ended: its breakout rooms end with it, nobody is moved. */
  #mainEnded(mainRoom: string): void {
    const breakout = this.#running.get(mainRoom);
    if (!breakout) return;
    this.#running.delete(mainRoom);
    breakout.close();
    for (const room of breakout.rooms) {
      this.#ctx.classrooms.endRoom(room.id);
      this.#ctx.classrooms.get(room.id)?.close('class_ended');
      this.#ctx.classrooms.forgetTitle(room.id);
    }
    this.#mainTitles.delete(breakout);
    this.#home.delete(breakout);
  }

  /** Sends `p` to a breakout room; a student gets to speak and show video there. */
  async #moveToRoom(
    breakout: Breakout,
    p: Participant,
    room: BreakoutRoomState,
    reason: MoveReason,
  ): Promise<void> {
    const home = this.#home.get(breakout);
    // Who leaves the main room takes their rights there back with them at the end.
    if (home && p.room === breakout.mainRoom && !isModerator(p.role))
      home.set(p.identity, grantsOf(p));
    const student = p.role === 'student';
    const ttl =
      Math.ceil((breakout.startedAt - Date.now()) / 1000) +
      this.#limits.maxTotalSeconds +
      TOKEN_GRACE_SECONDS;
    const token = await this.#ctx.tokens.mint(
      {
        identity: p.identity,
        name: p.name,
        room: room.id,
        role: p.role,
        ...(student && { grants: { speak: true, video: true } }),
      },
      Math.max(ttl, TOKEN_GRACE_SECONDS),
    );
    if (breakout.closed) return;
    p.send({ moveTo: { room: room.id, token, reason, roomName: room.name } });
  }

  /** Sends `p` back to the breakout's main room, with what it had there. */
  async #moveHome(breakout: Breakout, p: Participant, reason: MoveReason): Promise<void> {
    const grants = this.#home.get(breakout)?.get(p.identity);
    const token = await this.#ctx.tokens.mint(
      {
        identity: p.identity,
        name: p.name,
        room: breakout.mainRoom,
        role: p.role,
        ...(grants && { grants }),
      },
      MAIN_ROOM_TOKEN_SECONDS,
    );
    p.send({
      moveTo: {
        room: breakout.mainRoom,
        token,
        reason,
        roomName: this.#mainTitles.get(breakout) ?? breakout.mainRoom,
      },
    });
  }

  /** A classroom opened: a breakout's main room or breakout room is watched and let in. */
  #opened(classroom: Classroom): void {
    for (const identity of this.#returning.get(classroom.room) ?? []) classroom.letIn(identity);
    const breakout = this.of(classroom.room);
    if (!breakout) return;
    if (classroom.room === breakout.mainRoom) {
      this.#watch(classroom);
      for (const room of breakout.rooms) for (const id of room.identities) classroom.letIn(id);
    } else {
      // Those the server sent here do not wait in the breakout room's waiting room.
      const room = breakout.rooms.find((r) => r.id === classroom.room);
      for (const id of room?.identities ?? []) classroom.letIn(id);
    }
  }

  /**
   * Watches a main room while its breakout runs: a student assigned to a breakout room who comes
   * (back) to the main room, say after reloading the page, is sent to their room again; a class
   * ended by its teacher ends its breakout too.
   */
  #watch(classroom: Classroom): void {
    if (this.#watched.has(classroom)) return;
    this.#watched.add(classroom);
    classroom.once('ended', () => this.#mainEnded(classroom.room));
    classroom.observer.on('participantJoined', (p) => {
      const breakout = this.#running.get(classroom.room);
      const room = p.role === 'student' ? breakout?.roomOf(p.identity) : undefined;
      if (!breakout || !room) return;
      // After its join response, which goes out when the join request completes.
      setImmediate(() => {
        if (!p.closed)
          this.#moveToRoom(breakout, p, room, 'breakout').catch((err: unknown) =>
            this.#ctx.logger.error({ err }, 'could not send a student to their breakout room'),
          );
      });
    });
  }

  /** Everyone in the breakout's rooms (of every node, in cluster mode: mirrors forward). */
  *#inRooms(breakout: Breakout): Iterable<Participant> {
    for (const room of breakout.rooms)
      yield* this.#ctx.classrooms.get(room.id)?.participants.values() ?? [];
  }

  /** Everyone in the main room and the breakout rooms. */
  #everyone(breakout: Breakout): Participant[] {
    const main = this.#ctx.classrooms.get(breakout.mainRoom)?.participants.values() ?? [];
    return [...main, ...this.#inRooms(breakout)];
  }

  /** Tells each of `people` of the breakout as their role sees it (or only moderators). */
  #tell(
    people: Iterable<Participant>,
    breakout: Breakout,
    body: (view: cosmo.v1.Breakout.$Properties) => EventBody,
    moderatorsOnly = false,
  ): void {
    const moderators = new SharedServerEvent(body(breakout.view(true)));
    const students = new SharedServerEvent(body(breakout.view(false)));
    for (const p of people) {
      if (isModerator(p.role)) p.send(moderators);
      else if (!moderatorsOnly) p.send(students);
    }
  }

  /** The breakout `classroom` is the main room or a room of, or INVALID_STATE. */
  #current(classroom: Classroom): Breakout {
    const breakout = this.of(classroom.room);
    if (!breakout)
      throw new CosmoError(ErrorCode.INVALID_STATE, 'no breakout is running', {
        reason: 'NO_BREAKOUT',
      });
    return breakout;
  }

  #later(run: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #assertOpen(): void {
    if (this.#closed) throw new CosmoError(ErrorCode.INVALID_STATE, 'the server is closing');
  }
}

/** INVALID_STATE for what a breakout room cannot do. */
function inBreakoutRoom(message: string): CosmoError {
  return new CosmoError(ErrorCode.INVALID_STATE, message, { reason: 'IN_BREAKOUT_ROOM' });
}

/** The rights a participant has, as token grants. */
function grantsOf(p: Participant): NonNullable<JoinClaims['grants']> {
  const { speak, video, screen } = p.permissions;
  return {
    ...(speak && { speak: true }),
    ...(video && { video: true }),
    ...(screen && { screen: true }),
  };
}
