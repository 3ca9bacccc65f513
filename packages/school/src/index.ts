/**
 * @cosmo/school: the school domain: roster, lectures, attendance, leave, notices with receipts,
 * chat history, handouts and transcripts, kept in SQLite behind repository interfaces.
 */
export { School, DEFAULT_SCHOOL_OPTIONS } from './School.js';
export type { SchoolOptions, SchoolRepositories, SchoolEvents } from './School.js';
export type * from './repositories.js';
export { parseRosterCsv, ROSTER_COLUMNS } from './rosterCsv.js';
export type { RowError, RosterRow, RosterParse } from './rosterCsv.js';
export { attendanceReport, attendanceCsv, DEFAULT_ATTENDANCE_POLICY } from './attendance.js';
export type { AttendanceRow, AttendanceStatus, AttendancePolicy } from './attendance.js';
export type { TranscriptFormat } from './transcript.js';
