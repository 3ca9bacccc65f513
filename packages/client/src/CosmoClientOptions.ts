// What a CosmoClient is given and what it tells: its options, its events, its connection states.
import type { types as mc } from 'mediasoup-client';
import type {
  ClassroomSummary,
  CosmoError,
  MediaSource,
  ParticipantSummary,
  ProducerSummary,
  ServerFrame,
} from '@cosmo/core';
import type { MediaReachabilityState } from './MediaReachability.js';
import type { RemoteTrack } from './MediaSession.js';
import type { ReconnectPolicy } from './ReconnectPolicy.js';
import type { WebSocketConstructor } from './SignallingClient.js';
import type { ChatMessage, HandoutInfo, LessonInfo, ReceiptInfo } from './wire.js';
import type { PollInfo, PollResultsInfo, QuizScoreInfo } from './Polls.js';
import type { ReactionCounts } from './Reactions.js';
import type { WaitingRoomInfo } from './WaitingRoom.js';
import type { BreakoutInfo, BreakoutMessageInfo } from './Breakout.js';
import type { RecordingStateInfo } from './Recording.js';
import type { BoardCursor } from './BoardCursors.js';

/**
 * Where the client is in its life. `waiting`: in the classroom's waiting room, until a moderator
 * lets it in (then it joins) or refuses it (then it closes).
 */
export type ConnectionState =
  'idle' | 'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'closed';

/** Which remote tracks the client subscribes to by itself. */
export type AutoSubscribe = 'all' | 'audio' | 'none';

/** Options of a client. */
export interface CosmoClientOptions {
  /** The server's WebSocket URL, e.g. `wss://cosmo.school.example/ws`. */
  url: string;
  /** A join token from `cosmo token` or the school's backend. */
  token: string;
  /** Defaults to the browser's WebSocket; pass `ws` in Node. */
  WebSocket?: WebSocketConstructor;
  /** When and whether to reconnect after a drop. */
  reconnectPolicy?: ReconnectPolicy;
  /** mediasoup-client handler: auto-detected in browsers; `'Chrome111'` in Node with wrtc. */
  handlerName?: mc.BuiltinHandlerName;
  /**
   * Media that has not connected this long after it is first sent or received is reported as
   * unreachable (`mediaReachability`); default 12,000 ms. It keeps trying all the same.
   */
  mediaConnectTimeoutMs?: number;
  /**
   * How often a connected client checks that its server still answers (a ping, answered within
   * 5 s); a server that does not is treated as a dropped connection: the client reconnects, in a
   * cluster to another node. Default 10,000 ms; 0 turns it off. It catches what a closed socket
   * does not tell: a node cut off from the network, a frozen process.
   */
  livenessIntervalMs?: number;
  /** Default `'all'`. The element uses `'audio'` and subscribes to the video it shows. */
  autoSubscribe?: AutoSubscribe;
  /**
   * Moderators: start the class again if its teacher ended it. Without it, joining an ended
   * class fails with `CLASS_ENDED`.
   */
  reopen?: boolean;
}

/** Client events. */
export type CosmoClientEvents = {
  stateChanged: [state: ConnectionState, previous: ConnectionState];
  /** Joined (or rejoined after the session was lost). */
  joined: [self: ParticipantSummary];
  /** Resumed the same session after a drop. */
  resumed: [replayed: number];
  participantJoined: [participant: ParticipantSummary];
  participantLeft: [participant: ParticipantSummary, reason: string];
  participantUpdated: [participant: ParticipantSummary];
  producerAdded: [producer: ProducerSummary];
  producerRemoved: [producer: ProducerSummary];
  producerPaused: [producer: ProducerSummary];
  producerResumed: [producer: ProducerSummary];
  trackSubscribed: [track: RemoteTrack];
  trackUnsubscribed: [track: RemoteTrack];
  activeSpeakers: [speakers: { participantId: string; volume: number }[]];
  chat: [message: ChatMessage];
  handChanged: [participantId: string, raised: boolean, byParticipantId: string];
  /** A teacher handed out a file to the class. */
  handoutAdded: [handout: HandoutInfo];
  /** A moderator paused this client's sources. */
  muted: [sources: MediaSource[], byParticipantId: string];
  classroomUpdated: [classroom: ClassroomSummary];
  /**
   * The class is over: ended by a moderator (`byParticipantId`), or by the server with a `reason`
   * ("media_unavailable", "server_shutdown"), after which the client closes.
   */
  classEnded: [byParticipantId: string, reason: string];
  /**
   * A caption in the language this client reads (see subscribeCaptions); `caption.uncertain` when
   * the recogniser was unsure of it: then it is in the spoken language, untranslated, to be shown
   * dimmed.
   */
  caption: [caption: ServerFrame['caption']];
  notification: [notification: NonNullable<ServerFrame['notification']>];
  /** Receipt totals of a notice this client sent ("287 / 312 read"). */
  receiptSummary: [summary: ReceiptInfo];
  /** Moderators: a moderator set the classroom's lesson (`lesson` has it as it now is). */
  lessonChanged: [lesson: LessonInfo];
  /** The server restarted this client's media (worker failover); handled automatically. */
  mediaReset: [];
  /**
   * Whether audio and video get through this network: `unreachable` when the media transports
   * have not connected within `mediaConnectTimeoutMs` (a firewall blocking the media ports and
   * every TURN route); chat, captions and notices still work over the signalling socket.
   */
  mediaReachability: [state: MediaReachabilityState];
  /** A poll or quiz started (`client.polls` has it). */
  pollStarted: [poll: PollInfo];
  /** A poll closed (a quiz's with its correct answers). */
  pollClosed: [poll: PollInfo];
  /** A poll's totals: live to moderators, to students when a moderator shows them. */
  pollResults: [results: PollResultsInfo];
  /** Students: their own result of a quiz that closed. */
  quizScore: [score: QuizScoreInfo];
  /** What the class reacted lately (at most twice a second). */
  reactions: [counts: ReactionCounts];
  /** Moderators: the waiting room changed (`client.waitingRoom` has it). */
  waitingRoom: [room: WaitingRoomInfo];
  /** A breakout started (`client.breakout` has it: moderators see who is in which room). */
  breakoutStarted: [breakout: BreakoutInfo];
  /** The breakout changed: extended, or who is where. */
  breakoutUpdated: [breakout: BreakoutInfo];
  /** The breakout is over (everyone in a breakout room is moved back). */
  breakoutEnded: [];
  /** A moderator's message to every room. */
  breakoutMessage: [message: BreakoutMessageInfo];
  /**
   * Recording started or stopped (`client.recording.state` has it); also after a join whose
   * state differs from what the client knew.
   */
  recordingChanged: [state: RecordingStateInfo];
  /**
   * The board changed (`client.board`): by this client (`local`), from the server (`remote`), or
   * its document was replaced (`reset`: after a refused change, or in another classroom).
   */
  boardChanged: [origin: 'local' | 'remote' | 'reset'];
  /** Someone's cursor on the board moved, appeared or went (`client.board.cursors`). */
  boardCursors: [cursors: ReadonlyMap<string, BoardCursor>];
  /** The server refused a board change; the board is rebuilt from the server's. */
  boardError: [error: CosmoError];
  /** This client is in the classroom's waiting room; `connect()` resolves once it is let in. */
  waiting: [];
  /** A moderator let this client in; it joins now. */
  admitted: [];
  /**
   * The server moved this client to another classroom of the lecture and it is in: a breakout
   * room (`reason` "breakout", or "visit" for a moderator), or back in the main room
   * ("breakout_ended", "called_back"). Participants, producers and media are the new room's.
   */
  moved: [move: { room: string; roomName: string; reason: string }];
  /** Something failed that no call awaits (a background resubscribe, a failed reconnect). */
  error: [error: CosmoError];
};
