import {
  CosmoError,
  DEFAULT_MAX_CLIENT_FRAME_BYTES,
  ErrorCode,
  PROTOCOL_VERSION,
  TypedEmitter,
  classroomFromProto,
  isModerator,
  mediaSourceFromProto,
  mediaSourceToProto,
  participantFromProto,
  producerFromProto,
  type ClassroomSummary,
  type ClientFrameInit,
  type ClientRequestKind,
  type MediaSource,
  type ParticipantSummary,
  type Permissions,
  type ProducerSummary,
  type ServerFrame,
} from '@cosmo/core';
import { captureCamera, captureMicrophone, captureScreen } from './capture.js';
import { MediaSession, type LocalTrack, type RemoteTrack } from './MediaSession.js';
import { SchoolApi } from './SchoolApi.js';
import {
  chatFromProto,
  handoutFromProto,
  lessonFromProto,
  receiptFromProto,
  type ChatMessage,
  type HandoutInfo,
  type LessonInfo,
} from './wire.js';
import { ExponentialBackoff } from './ReconnectPolicy.js';
import { SignallingClient } from './SignallingClient.js';
import {
  Polls,
  pollFromProto,
  pollQuestionProblem,
  pollQuestionToProto,
  pollResultsFromProto,
  preparedPollFromProto,
  quizScoreFromProto,
  type PollInfo,
  type PollQuestion,
  type PreparedPollInfo,
} from './Polls.js';
import { isReaction, reactionCountsFromProto, type Reaction } from './Reactions.js';
import { waitingRoomFromProto, type WaitingRoomInfo } from './WaitingRoom.js';
import { Recording, recordingStateFromProto } from './Recording.js';
import { Board } from './Board.js';
import {
  breakoutFromProto,
  startBreakoutToProto,
  type BreakoutInfo,
  type StartBreakoutOptions,
} from './Breakout.js';
import type {
  ConnectionState,
  CosmoClientEvents,
  CosmoClientOptions,
} from './CosmoClientOptions.js';

/** The close code of a waiting client a moderator refused: final, the client does not retry. */
export const REFUSED_CLOSE_CODE = 4005;

const FINAL_CLOSE_CODES = new Set([4001, 4002, 4003, REFUSED_CLOSE_CODE]);

/** How long `close()` waits for the server to confirm `leave` before closing anyway. */
const LEAVE_TIMEOUT_MS = 2000;

/** How long a liveness ping may go unanswered before the connection counts as dropped. */
const LIVENESS_TIMEOUT_MS = 5000;

/**
 * A participant's connection to a Cosmo classroom: signalling, WebRTC media, and the classroom's
 * state. Runs in browsers, and in Node when given `ws` and `@roamhq/wrtc`.
 */
export class CosmoClient extends TypedEmitter<CosmoClientEvents> {
  readonly options: Required<Omit<CosmoClientOptions, 'WebSocket' | 'handlerName'>> &
    Pick<CosmoClientOptions, 'WebSocket' | 'handlerName'>;
  /** Everyone else in the room, by participant id. */
  readonly participants = new Map<string, ParticipantSummary>();
  /** Remote producers announced by the server, by producer id. */
  readonly producers = new Map<string, ProducerSummary>();
  /** The class's handouts, oldest first. */
  handouts: HandoutInfo[] = [];
  /** The class's recent chat at join time, oldest first (live messages arrive as `chat`). */
  recentChat: ChatMessage[] = [];
  /** Moderators: the classroom's lesson, when one is set (kept current by `lessonChanged`). */
  lesson: LessonInfo | undefined;
  /**
   * The largest request the server takes, and the largest `setLesson` it takes from a moderator,
   * in bytes as encoded (from the join; the defaults until then).
   */
  limits = { maxFrameBytes: DEFAULT_MAX_CLIENT_FRAME_BYTES, maxLessonBytes: 1024 * 1024 };
  /** The school features: leave, attendance, chat history, notices, handouts. */
  readonly school = new SchoolApi(this);
  /** The lecture's polls and quizzes, their totals where this client sees them, its answers. */
  readonly polls = new Polls();
  /** The lecture's recording (whether it runs; moderators start and stop it) and the class's recordings. */
  readonly recording = new Recording(this);
  /** The classroom's shared board: its document, kept in sync and offline, and its editing. */
  readonly board = new Board(this);
  /** Moderators: the classroom's waiting room (from the join, kept current by `waitingRoom`). */
  waitingRoom: WaitingRoomInfo | undefined;
  /** The lecture's running breakout (from the join, kept current by its events), if any. */
  breakout: BreakoutInfo | undefined;
  #self: ParticipantSummary | undefined;
  #classroom: ClassroomSummary | undefined;
  #state: ConnectionState = 'idle';
  #signalling: SignallingClient | undefined;
  #media: MediaSession | undefined;
  #sessionId = '';
  #lastSeq = 0;
  #iceServers: RTCIceServer[] = [];
  #reconnecting = false;
  #livenessTimer: ReturnType<typeof setInterval> | undefined;
  /** The join token in use: the embedder's, or one the server gave with a move (a breakout room). */
  #token: string;
  /** Moves to another classroom, one after another. */
  #moving: Promise<void> = Promise.resolve();
  /** Between a join request and its media being loaded. */
  #joining = false;
  /** The node this client is on (a cluster may send it to another than `options.url`). */
  #url: string;
  /** A cluster's other nodes, where a client that loses its node reconnects. */
  #clusterUrls: string[] = [];

  constructor(options: CosmoClientOptions) {
    super();
    if (!options.url || !options.token) throw new TypeError('url and token are required');
    this.options = {
      reconnectPolicy: new ExponentialBackoff(),
      autoSubscribe: 'all',
      mediaConnectTimeoutMs: 12_000,
      livenessIntervalMs: 10_000,
      ...options,
      reopen: Boolean(options.reopen),
    };
    this.#url = options.url;
    this.#token = options.token;
  }

  /** The signalling URL of the node this client is on (in a cluster, maybe not `options.url`). */
  get url(): string {
    return this.#url;
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** This participant, once joined. */
  get self(): ParticipantSummary | undefined {
    return this.#self;
  }

  /** The classroom's shared state, once joined. */
  get classroom(): ClassroomSummary | undefined {
    return this.#classroom;
  }

  /** TURN/STUN servers from the server. */
  get iceServers(): RTCIceServer[] {
    return this.#iceServers;
  }

  /** Tracks this client publishes, by source. */
  get localTracks(): ReadonlyMap<MediaSource, LocalTrack> {
    return this.#media?.local ?? new Map();
  }

  /** Tracks this client receives, by producer id. */
  get remoteTracks(): ReadonlyMap<string, RemoteTrack> {
    return this.#media?.remote ?? new Map();
  }

  /**
   * Connects and joins. Rejects with the server's error code (e.g. `NOT_AUTHORIZED`). In a
   * classroom with a waiting room it emits `waiting` and resolves once a moderator lets it in, or
   * rejects with PERMISSION_DENIED, reason `REFUSED`, when one refuses it.
   */
  async connect(): Promise<ParticipantSummary> {
    if (this.#state !== 'idle')
      throw new CosmoError(ErrorCode.INVALID_STATE, `cannot connect while ${this.#state}`);
    this.#setState('connecting');
    try {
      const signalling = await this.#open();
      await this.#join(signalling);
      this.#setState('connected');
      return this.#self!;
    } catch (err) {
      this.#shutdown();
      throw err;
    }
  }

  /**
   * Leaves the classroom and frees everything. No-op when already closed. `leave` goes out
   * before the socket closes, so the seat is freed at once rather than after the resume grace
   * (a closed socket alone looks like a network drop to the server).
   */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const signalling = this.#signalling;
    // Taken from the client first: its close is then not mistaken for a drop to recover from.
    this.#signalling = undefined;
    signalling?.removeAllListeners('event');
    this.#shutdown();
    if (signalling && !signalling.closed) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        signalling.request('leave', {}).catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, LEAVE_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      signalling.close(1000, 'left');
    }
  }

  /** Sends a request on the current connection. */
  request<K extends ClientRequestKind>(
    kind: K,
    body: NonNullable<ClientFrameInit[K]>,
  ): Promise<ServerFrame> {
    const s = this.#signalling;
    if (!s || s.closed) return Promise.reject(new CosmoError(ErrorCode.CLOSED, 'not connected'));
    return s.request(kind, body);
  }

  // ---- media ---------------------------------------------------------------------------------

  /** Publishes a track (from getUserMedia, getDisplayMedia, or wrtc's sources in Node). */
  publish(track: MediaStreamTrack, source: MediaSource): Promise<LocalTrack> {
    return this.#mediaSession().publish(track, source);
  }

  /** Publishes a microphone: the default, or the one with `deviceId`. */
  async publishMicrophone(deviceId?: string): Promise<LocalTrack> {
    return this.publish(await captureMicrophone(deviceId), 'microphone');
  }

  /** Publishes a camera (the default, or the one with `deviceId`) in three simulcast layers. */
  async publishCamera(deviceId?: string): Promise<LocalTrack> {
    return this.publish(await captureCamera(deviceId), 'camera');
  }

  /** Publishes a screen, window or tab chosen by the user; stops when the user stops sharing. */
  async publishScreen(): Promise<LocalTrack> {
    const track = await captureScreen();
    track.addEventListener('ended', () => void this.unpublish('screen'));
    return this.publish(track, 'screen');
  }

  /** Stops publishing a source and stops its track. */
  async unpublish(source: MediaSource): Promise<void> {
    const local = this.#media?.local.get(source);
    await this.#media?.unpublish(source);
    local?.track.stop();
  }

  /** Mutes or unmutes a published source. */
  setMuted(source: MediaSource, muted: boolean): Promise<void> {
    return this.#mediaSession().setPaused(source, muted);
  }

  /** Receives a remote producer; `width` (CSS px of its tile) picks the simulcast layer. */
  async subscribe(producerId: string, width = 1280): Promise<RemoteTrack> {
    const remote = await this.#mediaSession().subscribe(
      producerId,
      width <= 240 ? 0 : width <= 640 ? 1 : 2,
    );
    this.safeEmit('trackSubscribed', remote);
    return remote;
  }

  /** Stops receiving a remote producer (e.g. its tile scrolled out of view). */
  async unsubscribe(producerId: string): Promise<void> {
    const remote = await this.#media?.unsubscribe(producerId);
    if (remote) this.safeEmit('trackUnsubscribed', remote);
  }

  /** Tells the server how big a video is shown, so it sends the layer that fits. */
  setVideoWidth(producerId: string, width: number): Promise<void> {
    return this.#mediaSession().setPreferredWidth(producerId, width);
  }

  // ---- classroom -----------------------------------------------------------------------------

  /** Chat to everyone, or privately. */
  async sendChat(text: string, toParticipantId = ''): Promise<void> {
    await this.request('sendChat', { text, toParticipantId });
  }

  /** Raises this participant's hand. */
  async raiseHand(): Promise<void> {
    await this.request('raiseHand', {});
  }

  /** Lowers one's own hand, another's (moderators), or all (moderators). */
  async lowerHand(participantId = '', all = false): Promise<void> {
    await this.request('lowerHand', { participantId, all });
  }

  /** Moderators: mutes a participant's sources (microphone by default), or every student. */
  async mute(
    participantId: string | 'all',
    sources: MediaSource[] = ['microphone'],
  ): Promise<void> {
    const all = participantId === 'all';
    await this.request('mute', {
      participantId: all ? '' : participantId,
      all,
      sources: sources.map(mediaSourceToProto),
    });
  }

  /** Moderators: grants or revokes a participant's rights. */
  async setPermissions(participantId: string, permissions: Permissions): Promise<void> {
    await this.request('setPermissions', { participantId, permissions });
  }

  /** Moderators: locks or unlocks the room. */
  async lockRoom(locked: boolean): Promise<void> {
    await this.request('lockRoom', { locked });
  }

  /** Moderators: ends the class for everyone. */
  async endClass(): Promise<void> {
    await this.request('endClass', {});
  }

  /** Receives captions in `language` (BCP 47); empty turns them off. */
  async subscribeCaptions(language: string): Promise<void> {
    await this.request('subscribeCaptions', { language });
  }

  // ---- polls and quizzes -------------------------------------------------------------------

  /**
   * Moderators: starts a poll or quiz, written now or prepared earlier (`{ preparedId }`). A
   * question the server would refuse (no text, fewer than 2 options…) throws a TypeError.
   */
  async startPoll(question: PollQuestion | { preparedId: string }): Promise<PollInfo | undefined> {
    if ('preparedId' in question) {
      return this.#pollAnswered(
        await this.request('startPoll', { preparedId: question.preparedId }),
      );
    }
    const problem = pollQuestionProblem(question);
    if (problem) throw new TypeError(problem);
    return this.#pollAnswered(
      await this.request('startPoll', { question: pollQuestionToProto(question) }),
    );
  }

  /** Answers an open poll: the options chosen, or a text. A second answer replaces the first. */
  async vote(pollId: string, answer: number[] | string): Promise<void> {
    const choices = typeof answer === 'string' ? [] : answer;
    const text = typeof answer === 'string' ? answer : '';
    await this.request('vote', { pollId, choices, text });
    this.polls.setAnswer(pollId, { choices, text });
  }

  /** Moderators: closes a poll (a quiz's students then get their scores). */
  async closePoll(pollId: string): Promise<PollInfo | undefined> {
    return this.#pollAnswered(await this.request('closePoll', { pollId }));
  }

  /** Moderators: shows a poll's results to the students, or hides them again. */
  async showPollResults(pollId: string, shown = true): Promise<PollInfo | undefined> {
    return this.#pollAnswered(await this.request('showPollResults', { pollId, shown }));
  }

  /**
   * Moderators: keeps a question in the class's prepared list (with `id`: replaces that one).
   * Resolves with the list as it now is.
   */
  async savePreparedPoll(question: PollQuestion, id = ''): Promise<PreparedPollInfo[]> {
    const problem = pollQuestionProblem(question);
    if (problem) throw new TypeError(problem);
    const res = await this.request('savePreparedPoll', {
      id,
      question: pollQuestionToProto(question),
    });
    return res.body === 'preparedPolls' ? this.#preparedList(res) : this.preparedPolls();
  }

  /** Moderators: deletes a prepared question; resolves with the list as it now is. */
  async removePreparedPoll(id: string): Promise<PreparedPollInfo[]> {
    const res = await this.request('savePreparedPoll', { id, remove: true });
    return res.body === 'preparedPolls' ? this.#preparedList(res) : this.preparedPolls();
  }

  /** Moderators: the class's prepared questions. */
  async preparedPolls(): Promise<PreparedPollInfo[]> {
    return this.#preparedList(await this.request('preparedPolls', {}));
  }

  // ---- reactions -----------------------------------------------------------------------------

  /** Sends a reaction (one of REACTIONS); too many in a short time fail with RATE_LIMITED. */
  async react(emoji: Reaction): Promise<void> {
    if (!isReaction(emoji)) throw new TypeError(`${String(emoji)} is not one of the reactions`);
    await this.request('react', { emoji });
  }

  // ---- the waiting room ----------------------------------------------------------------------

  /**
   * Moderators: turns the waiting room on or off; `admitRoster` lets the class's roster students
   * straight in (unchanged when not given).
   */
  async setWaitingRoom(
    enabled: boolean,
    admitRoster = this.waitingRoom?.admitRoster ?? false,
  ): Promise<void> {
    const res = await this.request('setWaitingRoom', { enabled, admitRoster });
    if (res.body === 'waitingRoom' && res.waitingRoom) {
      this.waitingRoom = waitingRoomFromProto(res.waitingRoom);
      this.safeEmit('waitingRoom', this.waitingRoom);
    }
  }

  /** Moderators: lets people in from the waiting room, by identity, or everyone waiting. */
  async admit(identities: string[] | 'all'): Promise<void> {
    await this.request(
      'admit',
      identities === 'all' ? { all: true, identities: [] } : { identities },
    );
  }

  /** Moderators: refuses someone waiting (their connection closes). */
  async refuse(identity: string): Promise<void> {
    await this.request('refuse', { identity });
  }

  // ---- breakout rooms ------------------------------------------------------------------------

  /** Moderators: splits the main room's students into breakout rooms for `durationSeconds`. */
  async startBreakout(options: StartBreakoutOptions): Promise<void> {
    await this.request('startBreakout', startBreakoutToProto(options));
  }

  /** Moderators: gives the running breakout `seconds` more. */
  async extendBreakout(seconds: number): Promise<void> {
    if (!Number.isInteger(seconds) || seconds < 1)
      throw new TypeError('seconds must be a whole number ≥ 1');
    await this.request('extendBreakout', { seconds });
  }

  /** Moderators: ends the breakout now; everyone goes back to the main room. */
  async endBreakout(): Promise<void> {
    await this.request('endBreakout', {});
  }

  /** Moderators: a message shown in every room (and the main room). */
  async breakoutMessage(text: string): Promise<void> {
    if (!text.trim()) throw new TypeError('the message is empty');
    await this.request('breakoutMessage', { text });
  }

  /** Students, in choose mode: goes to the breakout room `roomId`. */
  async chooseBreakoutRoom(roomId: string): Promise<void> {
    await this.request('chooseBreakoutRoom', { roomId });
  }

  /** Moderators: goes to a breakout room, or back to the main room with `''`. */
  async visitBreakoutRoom(roomId: string): Promise<void> {
    await this.request('visitBreakoutRoom', { roomId });
  }

  /** Closes the socket as if the network dropped, to exercise resume (tests, demos). */
  dropConnectionForTesting(): void {
    this.#signalling?.close(4000, 'dropped for testing');
  }

  // ---- internals -----------------------------------------------------------------------------

  #pollAnswered(res: ServerFrame): PollInfo | undefined {
    if (res.body !== 'poll' || !res.poll) return undefined;
    const poll = pollFromProto(res.poll);
    this.polls.update(poll);
    return poll;
  }

  #preparedList(res: ServerFrame): PreparedPollInfo[] {
    return (res.preparedPolls?.polls ?? []).map(preparedPollFromProto);
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    if (state === 'connected') this.#startLiveness();
    else this.#stopLiveness();
    this.safeEmit('stateChanged', state, previous);
  }

  #mediaSession(): MediaSession {
    if (!this.#media) throw new CosmoError(ErrorCode.INVALID_STATE, 'join the classroom first');
    return this.#media;
  }

  async #open(url = this.#url): Promise<SignallingClient> {
    const signalling = await SignallingClient.connect({ url, WebSocket: this.options.WebSocket });
    this.#url = url;
    this.#signalling = signalling;
    signalling.on('event', (frame) => this.#onEvent(frame));
    // A request the server would refuse for its size fails here, before it is sent.
    signalling.frameLimit = (kind) =>
      kind === 'setLesson' && isModerator(this.#self?.role)
        ? this.limits.maxLessonBytes
        : this.limits.maxFrameBytes;
    signalling.on('closed', (code) => {
      if (this.#signalling === signalling) void this.#onDrop(code);
    });
    return signalling;
  }

  async #join(signalling: SignallingClient): Promise<void> {
    // Forgotten before the request, not after the answer: events that follow the answer can be
    // read before the code awaiting it resumes (one network read), and must not be wiped.
    this.participants.clear();
    this.producers.clear();
    this.#joining = true;
    try {
      await this.#enter(signalling, 0);
    } finally {
      this.#joining = false;
    }
    this.safeEmit('joined', this.#self!);
    // After a move, what this room does not allow (a student's camera back in the main room) stops.
    const may = this.#self!.permissions;
    await this.#media!.republish((source) =>
      source === 'microphone' ? may.speak : source === 'camera' ? may.video : may.screen,
    );
    for (const producer of this.producers.values()) this.#autoSubscribe(producer);
  }

  /** Joins on `signalling` (following a cluster's redirects) and loads the media session. */
  async #enter(signalling: SignallingClient, redirects: number): Promise<void> {
    const res = await signalling.request('join', {
      token: this.#token,
      protocolVersion: PROTOCOL_VERSION,
      clientInfo: 'cosmo-client/0.1',
      reopen: this.options.reopen,
      redirects,
    });
    const join = res.join!;
    if (join.clusterUrls?.length) this.#clusterUrls = join.clusterUrls;
    if (join.redirectUrl) {
      // A cluster serves this classroom on another node: join there, with the same token.
      if (redirects >= 3)
        throw new CosmoError(ErrorCode.UNAVAILABLE, 'the cluster kept redirecting this join');
      this.#signalling = undefined;
      signalling.close(1000, 'redirected');
      await this.#enter(await this.#open(join.redirectUrl), redirects + 1);
      return;
    }
    if (join.waiting) {
      // In the waiting room: let in, the same join is sent again and answered in full.
      await this.#waitToBeAdmitted(signalling);
      await this.#enter(signalling, redirects);
      return;
    }
    this.#sessionId = join.sessionId ?? '';
    this.#lastSeq = 0;
    this.#iceServers = (join.iceServers ?? []).map((s) => ({
      urls: s.urls ?? [],
      ...(s.username ? { username: s.username } : {}),
      ...(s.credential ? { credential: s.credential } : {}),
    }));
    this.#self = participantFromProto(join.self!);
    this.#classroom = classroomFromProto(join.classroom!);
    for (const info of join.participants ?? []) this.#upsertParticipant(participantFromProto(info));
    this.handouts = (join.handouts ?? []).map(handoutFromProto);
    this.recentChat = (join.recentChat ?? []).map(chatFromProto);
    this.lesson = join.lesson ? lessonFromProto(join.lesson) : undefined;
    this.polls.reset(
      (join.polls ?? []).map(pollFromProto),
      (join.pollResults ?? []).map(pollResultsFromProto),
    );
    this.waitingRoom = join.waitingRoom ? waitingRoomFromProto(join.waitingRoom) : undefined;
    this.breakout = join.breakout ? breakoutFromProto(join.breakout) : undefined;
    if (this.recording.setState(recordingStateFromProto(join.recording)))
      this.safeEmit('recordingChanged', this.recording.state);
    // An older server does not say: its defaults.
    if (join.maxFrameBytes)
      this.limits = {
        maxFrameBytes: join.maxFrameBytes,
        maxLessonBytes: join.maxLessonBytes || join.maxFrameBytes,
      };
    const request = signalling.request.bind(signalling);
    if (!this.#media) {
      this.#media = new MediaSession(request, {
        handlerName: this.options.handlerName,
        iceServers: () => this.#iceServers,
        connectTimeoutMs: this.options.mediaConnectTimeoutMs,
        onReachability: (state) => this.safeEmit('mediaReachability', state),
      });
    } else this.#media.setRequest(request);
    await this.#media.load(join.routerRtpCapabilities!);
  }

  /**
   * Waits in the classroom's waiting room for `admitted` on `signalling`; rejects when the socket
   * closes first (REFUSED when a moderator refused this client).
   */
  #waitToBeAdmitted(signalling: SignallingClient): Promise<void> {
    const previous = this.#state;
    this.#setState('waiting');
    this.safeEmit('waiting');
    return new Promise<void>((resolve, reject) => {
      const stop = () => {
        signalling.off('event', onEvent);
        signalling.off('closed', onClosed);
      };
      const onEvent = (frame: ServerFrame) => {
        if (frame.body !== 'admitted') return;
        stop();
        this.#setState(previous);
        this.safeEmit('admitted');
        resolve();
      };
      const onClosed = (code: number) => {
        stop();
        reject(
          code === REFUSED_CLOSE_CODE
            ? new CosmoError(ErrorCode.PERMISSION_DENIED, 'a teacher did not let you in', {
                reason: 'REFUSED',
              })
            : new CosmoError(ErrorCode.CLOSED, 'the connection closed in the waiting room'),
        );
      };
      signalling.on('event', onEvent);
      signalling.on('closed', onClosed);
    });
  }

  async #onDrop(code: number): Promise<void> {
    // While connecting or waiting to be let in, the join itself fails and says why.
    if (
      this.#state === 'closed' ||
      this.#state === 'connecting' ||
      this.#state === 'waiting' ||
      this.#reconnecting
    )
      return;
    if (FINAL_CLOSE_CODES.has(code)) {
      this.#shutdown();
      return;
    }
    this.#reconnecting = true;
    try {
      await this.#reconnect();
    } finally {
      this.#reconnecting = false;
    }
  }

  async #reconnect(): Promise<void> {
    this.#setState('reconnecting');
    for (let attempt = 0; ; attempt++) {
      const delay = this.options.reconnectPolicy.nextRetryDelayMs(attempt);
      if (delay === null) {
        this.safeEmit('error', new CosmoError(ErrorCode.CLOSED, 'could not reconnect; giving up'));
        this.#shutdown();
        return;
      }
      await new Promise((r) => setTimeout(r, delay));
      if (this.#state !== 'reconnecting') return;
      let signalling: SignallingClient;
      try {
        signalling = await this.#open(this.#reconnectUrl(attempt));
      } catch {
        continue;
      }
      try {
        await this.#resume(signalling);
      } catch (err) {
        const code = (err as CosmoError).code;
        if (code === ErrorCode.CLOSED || code === ErrorCode.TIMEOUT) continue;
        // The session is gone (expired, or too much was missed): join afresh.
        try {
          this.#media?.reset();
          await this.#join(signalling);
        } catch (joinErr) {
          this.safeEmit('error', joinErr as CosmoError);
          this.#shutdown();
          return;
        }
      }
      if (this.#state === 'reconnecting') this.#setState('connected');
      return;
    }
  }

  /** Pings the server while connected; one unanswered in time drops the connection. */
  #startLiveness(): void {
    this.#stopLiveness();
    const every = this.options.livenessIntervalMs;
    if (!every) return;
    let waiting = false;
    this.#livenessTimer = setInterval(() => {
      const signalling = this.#signalling;
      if (waiting || !signalling) return;
      waiting = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), LIVENESS_TIMEOUT_MS);
      });
      void Promise.race([signalling.request('ping', { clientTime: Date.now() }), late])
        .then((answer) => {
          if (answer === 'late' && this.#signalling === signalling && this.#state === 'connected')
            signalling.close(4000, 'the server stopped answering');
        })
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          waiting = false;
        });
    }, every);
  }

  #stopLiveness(): void {
    clearInterval(this.#livenessTimer);
    this.#livenessTimer = undefined;
  }

  /**
   * Where reconnect attempt `attempt` goes: the node this client was on, then (in a cluster) each
   * other live node in turn, so a client whose node died is back within a few attempts.
   */
  #reconnectUrl(attempt: number): string {
    const urls = [this.#url, ...this.#clusterUrls.filter((u) => u !== this.#url)];
    return urls[attempt % urls.length]!;
  }

  async #resume(signalling: SignallingClient): Promise<void> {
    const res = await signalling.request('resume', {
      token: this.#token,
      sessionId: this.#sessionId,
      lastSeq: this.#lastSeq,
    });
    this.#media?.setRequest(signalling.request.bind(signalling));
    await this.#media?.restartIce();
    this.safeEmit('resumed', res.resume?.replayed ?? 0);
  }

  /**
   * Moves to another classroom of the lecture (a breakout room, or back to the main room): leaves
   * this one and joins there with the token the server gave, on the same connection; the media
   * starts afresh. If that join fails, the client goes back where it was.
   */
  async #move(move: NonNullable<ServerFrame['moveTo']>): Promise<void> {
    const signalling = this.#signalling;
    if (!signalling || this.#state !== 'connected' || !move.token) return;
    const previous = this.#token;
    // Our transports close before the server's do: a transport the server closes under us
    // fails, and would read as a network that blocks media.
    this.#media?.reset();
    await signalling.request('leave', {}).catch(() => undefined);
    this.#token = move.token;
    try {
      await this.#join(signalling);
    } catch (err) {
      this.safeEmit('error', err as CosmoError);
      this.#token = previous;
      this.#media?.reset();
      await this.#join(signalling).catch((back: unknown) => {
        this.safeEmit('error', back as CosmoError);
        this.#shutdown();
      });
      return;
    }
    this.safeEmit('moved', {
      room: move.room ?? '',
      roomName: move.roomName ?? '',
      reason: move.reason ?? '',
    });
  }

  #shutdown(): void {
    const signalling = this.#signalling;
    this.#signalling = undefined;
    signalling?.close(1000, 'closed');
    this.#media?.close();
    this.#media = undefined;
    this.#setState('closed');
  }

  #upsertParticipant(p: ParticipantSummary): void {
    this.participants.set(p.id, p);
    for (const producer of p.producers) this.producers.set(producer.id, producer);
  }

  #autoSubscribe(producer: ProducerSummary): void {
    // Producers announced while joining are subscribed to once the media is loaded.
    if (this.#joining) return;
    const mode = this.options.autoSubscribe;
    if (mode === 'none' || (mode === 'audio' && producer.kind !== 'audio')) return;
    this.subscribe(producer.id).catch((err: CosmoError) => this.safeEmit('error', err));
  }

  #onEvent(frame: ServerFrame): void {
    if (frame.seq) this.#lastSeq = Math.max(this.#lastSeq, frame.seq);
    switch (frame.body) {
      case 'participantJoined':
      case 'participantsJoined': {
        const joined =
          frame.body === 'participantJoined'
            ? [frame.participantJoined.participant!]
            : (frame.participantsJoined.participants ?? []);
        for (const info of joined) {
          const p = participantFromProto(info);
          this.#upsertParticipant(p);
          this.safeEmit('participantJoined', p);
        }
        break;
      }
      case 'participantLeft': {
        const p = this.participants.get(frame.participantLeft.participantId ?? '');
        if (!p) break;
        this.participants.delete(p.id);
        for (const pr of p.producers) this.producers.delete(pr.id);
        this.safeEmit('participantLeft', p, frame.participantLeft.reason ?? '');
        break;
      }
      case 'participantUpdated': {
        const p = participantFromProto(frame.participantUpdated.participant!);
        if (p.id === this.#self?.id) this.#self = p;
        else this.#upsertParticipant(p);
        this.safeEmit('participantUpdated', p);
        break;
      }
      case 'producerAdded': {
        const pr = producerFromProto(frame.producerAdded.producer!);
        this.producers.set(pr.id, pr);
        this.participants.get(pr.participantId)?.producers.push(pr);
        this.safeEmit('producerAdded', pr);
        this.#autoSubscribe(pr);
        break;
      }
      case 'producerRemoved': {
        const id = frame.producerRemoved.producerId ?? '';
        const pr = this.producers.get(id);
        this.producers.delete(id);
        const owner = pr && this.participants.get(pr.participantId);
        if (owner) owner.producers = owner.producers.filter((x) => x.id !== id);
        void this.#media?.unsubscribe(id, false).then((remote) => {
          if (remote) this.safeEmit('trackUnsubscribed', remote);
        });
        if (pr) this.safeEmit('producerRemoved', pr);
        break;
      }
      case 'producerPaused':
      case 'producerResumed': {
        const id =
          frame.body === 'producerPaused'
            ? frame.producerPaused.producerId
            : frame.producerResumed.producerId;
        const pr = this.producers.get(id ?? '');
        if (!pr) break;
        pr.paused = frame.body === 'producerPaused';
        this.safeEmit(frame.body, pr);
        break;
      }
      case 'consumerClosed': {
        const producerId = this.#media?.producerOfConsumer(frame.consumerClosed.consumerId ?? '');
        if (producerId) {
          void this.#media?.unsubscribe(producerId, false).then((remote) => {
            if (remote) this.safeEmit('trackUnsubscribed', remote);
          });
        }
        break;
      }
      case 'activeSpeaker':
        this.safeEmit(
          'activeSpeakers',
          (frame.activeSpeaker.speakers ?? []).map((s) => ({
            participantId: s.participantId ?? '',
            volume: s.volume ?? -127,
          })),
        );
        break;
      case 'chat':
        this.safeEmit('chat', chatFromProto(frame.chat));
        break;
      case 'handoutAdded': {
        const handout = handoutFromProto(frame.handoutAdded);
        this.handouts = [...this.handouts, handout];
        this.safeEmit('handoutAdded', handout);
        break;
      }
      case 'handChanged': {
        const h = frame.handChanged;
        const target =
          h.participantId === this.#self?.id
            ? this.#self
            : this.participants.get(h.participantId ?? '');
        if (target) target.handRaised = Boolean(h.raised);
        this.safeEmit(
          'handChanged',
          h.participantId ?? '',
          Boolean(h.raised),
          h.byParticipantId ?? '',
        );
        break;
      }
      case 'muted': {
        const sources = (frame.muted.sources ?? [])
          .map((s) => mediaSourceFromProto(s))
          .filter((s): s is MediaSource => !!s);
        for (const s of sources) this.#media?.pausedByServer(s);
        this.safeEmit('muted', sources, frame.muted.byParticipantId ?? '');
        break;
      }
      case 'classroomUpdated':
        this.#classroom = classroomFromProto(frame.classroomUpdated.classroom!);
        this.safeEmit('classroomUpdated', this.#classroom);
        break;
      case 'classEnded':
        if (this.#classroom) this.#classroom.ended = true;
        this.safeEmit(
          'classEnded',
          frame.classEnded.byParticipantId ?? '',
          frame.classEnded.reason ?? '',
        );
        break;
      case 'caption':
        this.safeEmit('caption', frame.caption);
        break;
      case 'moveTo': {
        const move = frame.moveTo;
        this.#moving = this.#moving.then(() => this.#move(move)).catch(() => undefined);
        break;
      }
      case 'notification':
        this.safeEmit('notification', frame.notification);
        break;
      case 'receiptSummary':
        this.safeEmit('receiptSummary', receiptFromProto(frame.receiptSummary));
        break;
      case 'mediaReset':
        void this.#onMediaReset();
        break;
      case 'lessonChanged':
        this.lesson = lessonFromProto(frame.lessonChanged);
        this.safeEmit('lessonChanged', this.lesson);
        break;
      case 'pollStarted':
      case 'pollClosed': {
        const info = frame.body === 'pollStarted' ? frame.pollStarted : frame.pollClosed;
        if (!info.poll) break;
        const poll = pollFromProto(info.poll);
        this.polls.update(poll);
        this.safeEmit(frame.body, poll);
        break;
      }
      case 'pollResults': {
        const results = pollResultsFromProto(frame.pollResults);
        this.polls.setResults(results);
        // A student gets totals only once they are shown.
        const poll = this.polls.get(results.pollId);
        if (poll && !poll.resultsShown && !isModerator(this.#self?.role))
          this.polls.update({ ...poll, resultsShown: true });
        this.safeEmit('pollResults', results);
        break;
      }
      case 'quizScore': {
        const score = quizScoreFromProto(frame.quizScore);
        this.polls.setScore(score);
        this.safeEmit('quizScore', score);
        break;
      }
      case 'reactions':
        this.safeEmit('reactions', reactionCountsFromProto(frame.reactions.counts));
        break;
      case 'waitingRoom':
        this.waitingRoom = waitingRoomFromProto(frame.waitingRoom);
        this.safeEmit('waitingRoom', this.waitingRoom);
        break;
      case 'breakoutStarted':
      case 'breakoutUpdated': {
        const info =
          frame.body === 'breakoutStarted' ? frame.breakoutStarted : frame.breakoutUpdated;
        if (!info.breakout) break;
        this.breakout = breakoutFromProto(info.breakout);
        this.safeEmit(frame.body, this.breakout);
        break;
      }
      case 'breakoutEnded':
        this.breakout = undefined;
        this.safeEmit('breakoutEnded');
        break;
      case 'breakoutMessage':
        this.safeEmit('breakoutMessage', {
          text: frame.breakoutMessage.text ?? '',
          fromName: frame.breakoutMessage.fromName ?? '',
        });
        break;
      case 'recordingChanged':
        this.recording.setState(recordingStateFromProto(frame.recordingChanged.state));
        this.safeEmit('recordingChanged', this.recording.state);
        break;
      case 'boardEvent':
        this.board.receive(
          frame.boardEvent.message ?? new Uint8Array(),
          frame.boardEvent.participantId ?? '',
        );
        break;
      case 'errorEvent':
        this.safeEmit('error', CosmoError.fromWire(frame.errorEvent.error ?? {}));
        break;
      default:
        break;
    }
  }

  /**
   * This client's media was lost with a server worker: its transports are re-created, its tracks
   * published again, and what it received subscribed again. Others' producers that died with the
   * worker are removed by their own producerRemoved events; the rest are still there.
   */
  async #onMediaReset(): Promise<void> {
    const media = this.#media;
    if (!media) return;
    for (const remote of media.reset()) this.safeEmit('trackUnsubscribed', remote);
    const selfId = this.#self?.id;
    for (const [id, producer] of this.producers) {
      if (producer.participantId === selfId) this.producers.delete(id);
    }
    this.safeEmit('mediaReset');
    try {
      await media.republish();
    } catch (err) {
      this.safeEmit('error', err as CosmoError);
    }
    for (const producer of this.producers.values()) this.#autoSubscribe(producer);
  }
}
