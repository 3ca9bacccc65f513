/**
 * @cosmo/school: the school domain: roster, lectures, attendance, leave, notices with receipts,
 * chat history, handouts and transcripts, kept behind repository interfaces in SQLite (one server)
 * or PostgreSQL (a cluster).
 */
export { School, DEFAULT_SCHOOL_OPTIONS, MAX_EMAIL_DELAY_MS, MAX_PUSH_DEVICES } from './School.js';
export type { SchoolOptions, SchoolRepositories, SchoolEvents } from './School.js';
export type * from './repositories.js';
export {
  PostgresDatabase,
  PostgresQueryError,
  openPostgresDatabase,
  describePostgresUrl,
  type SqlValue,
} from './postgres/PostgresDatabase.js';
export { migratePostgres, POSTGRES_MIGRATIONS } from './postgres/migrations.js';
export { postgresRepositories } from './postgres/repositories.js';
export { parseRosterCsv, ROSTER_COLUMNS, CONTACT_COLUMNS } from './rosterCsv.js';
export type { RowError, RosterRow, RosterParse } from './rosterCsv.js';
export { attendanceReport, attendanceCsv, DEFAULT_ATTENDANCE_POLICY } from './attendance.js';
export type { AttendanceRow, AttendanceStatus, AttendancePolicy } from './attendance.js';
export {
  pollsCsv,
  POLLS_CSV_COLUMNS,
  isCorrectAnswer,
  normalizeTextAnswer,
  type PollForCsv,
} from './pollsCsv.js';
export { formatTranscript, type TranscriptFormat } from './transcript.js';
export { isUnfinished as isUnfinishedRecording } from './recordings.js';
export type { NewRecording, RecordingViewer } from './recordings.js';
export { DeliveryLadder, DEFAULT_LADDER_OPTIONS } from './delivery/DeliveryLadder.js';
export type { DeliveryLadderOptions, DeliveryLadderEvents } from './delivery/DeliveryLadder.js';
export type {
  PushChannel,
  PushMessage,
  PushOutcome,
  EmailChannel,
  EmailMessage,
  EmailOutcome,
  RecipientLink,
} from './delivery/channels.js';
export { WebPushChannel, type WebPushOptions } from './delivery/WebPushChannel.js';
export { SmtpEmailChannel, type SmtpOptions } from './delivery/SmtpEmailChannel.js';
export { loadVapidKeys, type VapidKeys } from './delivery/VapidKeys.js';
export { checkPushEndpoint, DEFAULT_PUSH_ENDPOINT_HOSTS } from './delivery/pushEndpoints.js';
export { pushTopic } from './delivery/messages.js';
