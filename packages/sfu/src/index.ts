/**
 * @cosmo/sfu: the Cosmo media server: mediasoup workers, classrooms, signalling, and the school
 * features over HTTP and the protocol. The school domain itself is @cosmo/school.
 */
export { CosmoServer } from './CosmoServer.js';
export type { CosmoServerOptions } from './CosmoServer.js';
export { Classroom } from './Classroom.js';
export type { ClassroomEvents, ClassroomObserverEvents } from './Classroom.js';
export { Participant } from './Participant.js';
export { MediaWorkerPool } from './MediaWorkerPool.js';
export type { MediaWorkerPoolOptions, WorkerUsage } from './MediaWorkerPool.js';
export { loadConfig, ConfigSchema, workerCount } from './config.js';
export type { Config, ConfigInput } from './config.js';
export {
  TokenService,
  parseDuration,
  resolveApiSecret,
  mintAdminToken,
  verifyAdminToken,
  mintReceiptToken,
  verifyReceiptToken,
} from './tokens.js';
export type { JoinClaims, AdminClaims, ReceiptClaims } from './tokens.js';
export { ROLE_ACTIONS, ACTIONS, ROLE_RANK, isAllowed, initialPermissions } from './permissions.js';
export type { Action, Rule } from './permissions.js';
export { CloseCode, SUBPROTOCOLS } from './Connection.js';
export { DEFAULT_MEDIA_CODECS } from './mediaCodecs.js';
export { resolveWorkerBinary } from './workerBinary.js';
export { startEphemeralServer } from './ephemeral.js';
export type { EphemeralServer } from './ephemeral.js';
export type { RecordingInfo } from './http/recordingInfo.js';
