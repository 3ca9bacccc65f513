/**
 * @cosmo/core: the protocol shared by the Cosmo server and clients: generated protobuf messages,
 * the frame codec, domain types, the typed emitter and errors.
 */
export { cosmo } from './gen/proto.js';
export {
  encodeClientFrame,
  decodeClientFrame,
  encodeServerFrame,
  decodeServerFrame,
  encodeClientFrameJson,
  decodeClientFrameJson,
  encodeServerFrameJson,
  decodeServerFrameJson,
  clientFrameHead,
  requestField,
  SharedServerEvent,
  DEFAULT_MAX_CLIENT_FRAME_BYTES,
  DEFAULT_MAX_SERVER_FRAME_BYTES,
} from './codec.js';
export type {
  ClientFrame,
  ClientFrameInit,
  ServerFrame,
  ServerFrameInit,
  ClientRequestKind,
  ServerBodyKind,
  DecodeOptions,
} from './codec.js';
export {
  ErrorCode,
  isErrorCode,
  CosmoError,
  ProtocolError,
  PermissionError,
  NotFoundError,
  InvalidStateError,
  toCosmoError,
} from './errors.js';
export type { ErrorReason, WireError } from './errors.js';
export { wellFormed, parseJsonWellFormed } from './text.js';
export {
  LANGUAGE_TAG,
  isLanguageTag,
  canonicalLanguageTag,
  primaryLanguage,
  splitLessonSentences,
  splitTranslationLines,
  lessonProblems,
  LESSON_LIMITS,
} from './lessonText.js';
export type { LessonProblem, LessonReason } from './lessonText.js';
export type { NoticePushPayload } from './noticePush.js';
export { TypedEmitter } from './TypedEmitter.js';
export type { EventMap } from './TypedEmitter.js';
export {
  PROTOCOL_VERSION,
  EVENT_ACK_INTERVAL,
  ROLES,
  isRole,
  isModerator,
  roleToProto,
  roleFromProto,
  leaveStatusToProto,
  leaveStatusFromProto,
  mediaKindToProto,
  mediaKindFromProto,
  mediaSourceToProto,
  mediaSourceFromProto,
  producerFromProto,
  participantFromProto,
  permissionsFromProto,
  classroomFromProto,
} from './types.js';
export type {
  Role,
  LeaveStatus,
  MediaKind,
  MediaSource,
  Permissions,
  ParticipantSummary,
  ProducerSummary,
  ClassroomSummary,
} from './types.js';
export * from './rtc.js';
export * from './board.js';
export type { RecordingChapterInfo, RecordingInfo, RecordingStatus } from './recordings.js';
