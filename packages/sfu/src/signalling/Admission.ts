import {
  CosmoError,
  ErrorCode,
  InvalidStateError,
  PROTOCOL_VERSION,
  isModerator,
  rtpCapabilitiesFromProto,
  rtpCapabilitiesToProto,
  type ClientFrame,
} from '@cosmo/core';
import type { types as ms } from 'mediasoup';
import type { SchoolBridge } from '../bridge/SchoolBridge.js';
import type { CaptionService } from '../captions/CaptionService.js';
import type { Cluster } from '../cluster/Cluster.js';
import type { Config } from '../config.js';
import { CloseCode, type Connection } from '../Connection.js';
import type { IdentityLimits } from '../IdentityLimits.js';
import type { EventBody } from '../Participant.js';
import { initialPermissions } from '../permissions.js';
import type { BreakoutService } from '../rooms/BreakoutService.js';
import type { PollService } from '../rooms/PollService.js';
import type { RecordingService } from '../recording/RecordingService.js';
import type { ClassroomDirectory } from '../rooms/ClassroomDirectory.js';
import type { ClassroomWaitingRoom } from '../rooms/ClassroomWaitingRoom.js';
import type { Sessions } from '../sessions/Sessions.js';
import type { TokenService } from '../tokens.js';
import { turnCredentials } from '../turn.js';

/** What admission checks a socket against, and where it seats it. */
export interface AdmissionContext {
  config: Pick<
    Config,
    'iceServers' | 'turn' | 'resumeGraceMs' | 'maxFrameBytes' | 'maxLessonBytes' | 'identityLimits'
  >;
  tokens: TokenService;
  limits: IdentityLimits;
  classrooms: ClassroomDirectory;
  sessions: Sessions;
  school: SchoolBridge | undefined;
  captions: CaptionService | undefined;
  /** The breakouts: a join into a main or breakout room says the one running. */
  breakouts?: BreakoutService;
  /** The lecture's polls, listed in the join response. */
  polls?: PollService;
  /** Whether the classroom is being recorded, told on join. */
  recordings?: RecordingService | undefined;
  /** This node's part in a cluster, once it has joined one. */
  cluster?: () => Cluster | undefined;
}

/**
 * Lets a socket in: a `join` (a new session in a classroom, from a token) or a `resume` (the
 * same session after a drop). A join goes one way through the server: the token, the person's
 * join allowance, the classroom directory (schools, the end of class, opening the room), the
 * classroom (the seat), the sessions (resumable from now on), the school bridge (attendance,
 * inbox, chat history and handouts), and back out as the join response.
 */
export class Admission {
  readonly #ctx: AdmissionContext;
  /** The waiting room each socket was last held in (it may have been let in since). */
  readonly #waitingIn = new WeakMap<Connection, ClassroomWaitingRoom>();

  constructor(ctx: AdmissionContext) {
    this.#ctx = ctx;
  }

  /** Joins a classroom; resolves with the join response. */
  async join(conn: Connection, req: NonNullable<ClientFrame['join']>): Promise<EventBody> {
    const { tokens, classrooms, sessions, school, config } = this.#ctx;
    if (conn.participant && !conn.participant.closed) {
      throw new InvalidStateError('this connection has already joined');
    }
    if (req.protocolVersion !== PROTOCOL_VERSION) {
      throw new CosmoError(
        ErrorCode.UNSUPPORTED_VERSION,
        `protocol version ${req.protocolVersion ?? 0} is not supported; this server speaks ${PROTOCOL_VERSION}`,
      );
    }
    const claims = await tokens.verify(req.token);
    this.#spendJoin(claims.identity);
    const rtpCapabilities = req.rtpCapabilities
      ? (rtpCapabilitiesFromProto(req.rtpCapabilities) as ms.RtpCapabilities)
      : undefined;
    const cluster = this.#ctx.cluster?.();
    if (cluster) {
      // Cluster mode: the classroom may be placed on another node; the client joins there.
      const placed = await cluster.place(claims.room, req.redirects ?? 0);
      if (!placed.serve) {
        this.stopWaiting(conn);
        return { join: { redirectUrl: placed.url, clusterUrls: cluster.urls() } };
      }
      const { joinsPerMinute, joinBurst } = config.identityLimits;
      if (!(await cluster.spendJoin(claims.identity, joinsPerMinute + joinBurst)))
        throw new CosmoError(
          ErrorCode.RATE_LIMITED,
          'too many joins for this person; wait a minute and try again',
        );
    }
    const classroom = await classrooms.enter(claims, Boolean(req.reopen));
    if (conn.closed) throw new InvalidStateError('the connection closed while joining');
    // The classroom's waiting room: the socket stays open, not joined, until a moderator lets
    // this person in (the client joins again) or refuses them.
    const waitingRoom = classroom.waitingRoom;
    if (waitingRoom.mustWait(claims.identity, claims.role)) {
      if (this.#waitingIn.get(conn) !== waitingRoom) this.stopWaiting(conn);
      waitingRoom.hold(conn, claims.identity, claims.name);
      this.#waitingIn.set(conn, waitingRoom);
      return { join: { waiting: true } };
    }
    // The same person joining again (a reload, a second tab, a rejoin after a lost session)
    // takes over the seat of the old session, which closes once the new one is in.
    const previous = [...classroom.participants.values()].filter(
      (other) => other.identity === claims.identity,
    );
    const previousConnections = previous.map((other) => other.connection);
    const participant = classroom.join(
      {
        identity: claims.identity,
        name: claims.name,
        role: claims.role,
        room: classroom.room,
        permissions: initialPermissions(claims.role, classroom.lectureMode, claims.grants),
      },
      previous,
    );
    // Out of the waiting room only once in: the list emptying must not close the classroom first.
    this.stopWaiting(conn);
    for (const c of previousConnections) {
      if (c && c !== conn) c.close(CloseCode.REPLACED, 'joined from another connection');
    }
    participant.setRtpCapabilities(rtpCapabilities);
    sessions.add(participant, conn);
    const records = school?.admitted(participant, classroom);
    // Every moderator sees the lesson in the captions tab, so none replaces it unseen.
    const lesson = isModerator(participant.role)
      ? this.#ctx.captions?.lessonOf(classroom.room)
      : undefined;
    const breakout = this.#ctx.breakouts?.viewFor(classroom.room, participant.role);
    const polls = this.#ctx.polls?.joinView(classroom, participant);
    return {
      join: {
        sessionId: participant.sessionId,
        participantId: participant.id,
        protocolVersion: PROTOCOL_VERSION,
        routerRtpCapabilities: rtpCapabilitiesToProto(classroom.router.rtpCapabilities),
        classroom: classroom.state(),
        self: participant.info(),
        participants: [...classroom.participants.values()]
          .filter((p) => p !== participant)
          .map((p) => p.info()),
        iceServers: [
          ...config.iceServers.map((s) => ({
            urls: Array.isArray(s.urls) ? s.urls : [s.urls],
            username: s.username,
            credential: s.credential,
          })),
          ...(config.turn ? [turnCredentials(config.turn, participant.identity)] : []),
        ],
        resumeGraceMs: config.resumeGraceMs,
        recentChat: records?.recentChat ?? [],
        handouts: records?.handouts ?? [],
        maxFrameBytes: config.maxFrameBytes,
        // A lesson may always be as large as any other request.
        maxLessonBytes: Math.max(config.maxFrameBytes, config.maxLessonBytes),
        ...(lesson && { lesson }),
        clusterUrls: cluster?.urls() ?? [],
        ...(breakout && { breakout }),
        ...polls,
        ...(this.#ctx.recordings && { recording: this.#ctx.recordings.state(classroom) }),
        ...(isModerator(participant.role) && waitingRoom.settings.enabled
          ? { waitingRoom: waitingRoom.view() }
          : {}),
      },
    };
  }

  /**
   * Resumes a session after a drop: answers `requestId` itself, then replays the events the
   * client missed, in order (so it resolves with nothing to answer).
   */
  async resume(
    conn: Connection,
    requestId: number,
    req: NonNullable<ClientFrame['resume']>,
  ): Promise<null> {
    if (this.isWaiting(conn)) throw new InvalidStateError('waiting to be let in');
    const claims = await this.#ctx.tokens.verify(req.token);
    this.#spendJoin(claims.identity);
    if (this.#ctx.cluster?.()?.draining) {
      // The client joins afresh, and is redirected to another node.
      throw new CosmoError(ErrorCode.UNAVAILABLE, 'this node is draining; join again');
    }
    const { participant, missed } = this.#ctx.sessions.resume(
      conn,
      claims,
      req.sessionId ?? '',
      req.lastSeq ?? 0,
    );
    const classroom = this.#ctx.classrooms.get(participant.room);
    conn.respond(requestId, {
      resume: {
        replayed: missed.length,
        classroom: classroom?.state(),
        participants: classroom ? [...classroom.participants.values()].map((x) => x.info()) : [],
      },
    });
    for (const e of missed) conn.sendFrame(e);
    return null;
  }

  /** Whether `conn` waits in a waiting room (it may only join again, leave, or ping). */
  isWaiting(conn: Connection): boolean {
    return this.#waitingIn.get(conn)?.holds(conn) ?? false;
  }

  /**
   * Takes `conn` out of the waiting room it waits in (it left, closed, or joins elsewhere);
   * false when it was not waiting.
   */
  stopWaiting(conn: Connection): boolean {
    const waitingRoom = this.#waitingIn.get(conn);
    this.#waitingIn.delete(conn);
    if (!waitingRoom?.holds(conn)) return false;
    waitingRoom.release(conn);
    // Its time to join (or to leave) starts now, however long it waited.
    conn.restartJoinTimeout();
    return true;
  }

  /** Spends a join or resume of `identity`: reconnecting in a loop is limited per person. */
  #spendJoin(identity: string): void {
    if (!this.#ctx.limits.take(identity, 'join')) {
      throw new CosmoError(
        ErrorCode.RATE_LIMITED,
        'too many joins for this person; wait a few seconds and try again',
      );
    }
  }
}
