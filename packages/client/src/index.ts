/**
 * @cosmo/client: the browser (and Node) SDK of Cosmo Classroom.
 */
export { CosmoClient, REFUSED_CLOSE_CODE } from './CosmoClient.js';
export type {
  CosmoClientOptions,
  CosmoClientEvents,
  ConnectionState,
  AutoSubscribe,
} from './CosmoClientOptions.js';
export { SchoolApi } from './SchoolApi.js';
export { Polls, pollQuestionProblem } from './Polls.js';
export type {
  PollKind,
  PollQuestion,
  PollInfo,
  PollResultsInfo,
  PollVoteInfo,
  QuizScoreInfo,
  PreparedPollInfo,
  PollAnswer,
} from './Polls.js';
export { REACTIONS, isReaction } from './Reactions.js';
export type { Reaction, ReactionCounts } from './Reactions.js';
export { Recording, NOT_RECORDING } from './Recording.js';
export type { RecordingStateInfo } from './Recording.js';
export { RecordingsApi } from './RecordingsApi.js';
export { Board, boardShapeProblem } from './Board.js';
export type { BoardStage, NewBoardShape } from './Board.js';
export type { BoardCursor } from './BoardCursors.js';
export type { RecordingInfo, RecordingStatus, RecordingChapterInfo } from './RecordingsApi.js';
export type { WaitingRoomInfo, WaitingEntryInfo } from './WaitingRoom.js';
export { breakoutRoomOf } from './Breakout.js';
export type {
  BreakoutMode,
  BreakoutInfo,
  BreakoutRoomInfo,
  BreakoutMessageInfo,
  StartBreakoutOptions,
} from './Breakout.js';
export type { ChatMessage, HandoutInfo, LeaveInfo, AttendanceInfo, LessonInfo } from './wire.js';
export { layerForWidth } from './MediaSession.js';
export type { LocalTrack, RemoteTrack } from './MediaSession.js';
export type { MediaReachabilityState } from './MediaReachability.js';
export { ExponentialBackoff, DEFAULT_BACKOFF } from './ReconnectPolicy.js';
export type { ReconnectPolicy, BackoffOptions } from './ReconnectPolicy.js';
export { SignallingClient } from './SignallingClient.js';
export type {
  SignallingClientOptions,
  SignallingClientEvents,
  WebSocketLike,
  WebSocketConstructor,
} from './SignallingClient.js';
