// The school's data, behind interfaces: SQLite implements them today; a server database for the
// multi-node setup implements the same ones. Every write commits before it returns.

/** A role in the school's roster (classroom roles plus the school's administrators). */
export type SchoolRole = 'teacher' | 'assistant' | 'student' | 'observer' | 'admin';

export interface School {
  id: string;
  name: string;
}

export interface Person {
  id: string;
  schoolId: string;
  name: string;
  role: SchoolRole;
}

export interface SchoolClass {
  id: string;
  schoolId: string;
  name: string;
}

export interface Lecture {
  id: string;
  classId: string;
  title: string;
  /** Unix ms. */
  startsAt: number;
  endsAt: number;
}

/** One line of an import: a person, their class, their role. */
export interface RosterEntry {
  schoolId: string;
  schoolName: string;
  classId: string;
  className: string;
  personId: string;
  personName: string;
  role: SchoolRole;
}

/** Schools, classes, people, memberships and the lecture schedule. */
export interface RosterRepository {
  /** Adds or updates every entry in one transaction. */
  importEntries(entries: RosterEntry[]): { people: number; classes: number };
  person(id: string): Person | undefined;
  school(id: string): School | undefined;
  schoolClass(id: string): SchoolClass | undefined;
  classMembers(classId: string): Person[];
  schoolMembers(schoolId: string): Person[];
  isMember(classId: string, personId: string): boolean;
  addLecture(lecture: Lecture): void;
  lecture(id: string): Lecture | undefined;
  lectures(classId: string): Lecture[];
}

export type AttendanceKind = 'join' | 'leave';

export interface AttendanceEvent {
  lectureId: string;
  personId: string;
  kind: AttendanceKind;
  at: number;
}

/** The join/leave timeline of each lecture. */
export interface AttendanceRepository {
  record(event: AttendanceEvent): void;
  events(lectureId: string): AttendanceEvent[];
}

export type LeaveStatus = 'pending' | 'approved' | 'rejected';

export interface LeaveRequest {
  id: string;
  personId: string;
  classId: string;
  /** ISO dates (YYYY-MM-DD), inclusive. */
  fromDate: string;
  toDate: string;
  reason: string;
  status: LeaveStatus;
  decidedBy: string | null;
  comment: string | null;
  createdAt: number;
  decidedAt: number | null;
}

/** Students' leave requests and their teachers' decisions. */
export interface LeaveRepository {
  create(request: LeaveRequest): void;
  get(id: string): LeaveRequest | undefined;
  /** Decides a pending request; false when it was not pending. */
  decide(
    id: string,
    status: 'approved' | 'rejected',
    decidedBy: string,
    comment: string,
    at: number,
  ): boolean;
  forClass(classId: string): LeaveRequest[];
  /** Approved leave of a person covering `date` (YYYY-MM-DD) in a class. */
  approvedOn(personId: string, classId: string, date: string): LeaveRequest | undefined;
}

export interface Notice {
  id: string;
  schoolId: string;
  /** `class:<id>` or `school:<id>`. */
  audience: string;
  senderId: string;
  senderName: string;
  title: string;
  body: string;
  urgent: boolean;
  sentAt: number;
  idempotencyKey: string | null;
}

export interface Receipts {
  recipients: number;
  delivered: number;
  read: number;
}

/** A recipient's receipt of a notice. */
export interface ReceiptInput {
  noticeId: string;
  personId: string;
  kind: 'delivered' | 'read';
  at: number;
}

export type ReceiptOutcome = 'changed' | 'unchanged' | 'unknown';

/** A recipient that should be (re)sent a notice. */
export interface PendingDelivery {
  notice: Notice;
  personId: string;
  reminder: boolean;
}

/** Notices, their recipients and receipts. */
export interface NoticeRepository {
  /** Stores a notice and its recipients in one transaction. Returns the existing one for a repeated idempotency key. */
  create(notice: Notice, recipientIds: string[]): { notice: Notice; created: boolean };
  get(id: string): Notice | undefined;
  /** Notices sent to `personId` and not yet delivered, oldest first. */
  undelivered(personId: string): Notice[];
  /** Notices sent to `personId` and not read yet (delivered or not), newest `limit`, oldest first. */
  unread(personId: string, limit: number): Notice[];
  isRecipient(noticeId: string, personId: string): boolean;
  /**
   * Records receipts (read implies delivered) in one transaction, with the notices' totals.
   * Per receipt: 'changed', 'unchanged' (already recorded) or 'unknown' (not a recipient).
   */
  recordReceipts(receipts: readonly ReceiptInput[]): ReceiptOutcome[];
  markPushed(noticeId: string, personId: string, at: number, reminder: boolean): void;
  receipts(noticeId: string): Receipts;
  /** Unread recipients due a reminder: pushed at least `intervalMs` ago, fewer than `limit` reminders. */
  dueReminders(
    now: number,
    intervalMs: number,
    limit: number,
  ): { noticeId: string; personId: string }[];
}

export interface StoredChat {
  id: string;
  room: string;
  seq: number;
  personId: string;
  name: string;
  text: string;
  toPerson: string;
  sentAt: number;
}

/** Per-class chat history. */
export interface ChatRepository {
  append(message: Omit<StoredChat, 'seq'>): StoredChat;
  /**
   * Up to `limit` messages before `beforeSeq` (or the newest), oldest first: the public ones and
   * the private ones to or from `viewerId`.
   */
  page(room: string, viewerId: string, limit: number, beforeSeq?: number): StoredChat[];
}

export interface Handout {
  id: string;
  classId: string;
  /** Content address of the file (hex SHA-256). */
  sha256: string;
  filename: string;
  mime: string;
  size: number;
  uploadedBy: string;
  createdAt: number;
}

/** Handouts' metadata and per-person download counts (the files live in a content store). */
export interface HandoutRepository {
  add(handout: Handout): void;
  get(id: string): Handout | undefined;
  forClass(classId: string): Handout[];
  countDownload(handoutId: string, personId: string, at: number): void;
  downloads(handoutId: string): { personId: string; count: number }[];
}

/** One final caption of a lecture, in one language. */
export interface TranscriptLine {
  room: string;
  /** The utterance's number; its translations share it. */
  sequence: number;
  speaker: string;
  language: string;
  text: string;
  /** Offsets from the lecture's start. */
  startMs: number;
  endMs: number;
  /** The recogniser was unsure this is what was said (unsure words are already "…"). */
  uncertain?: boolean;
}

/** Lecture transcripts, per language. */
export interface TranscriptRepository {
  append(line: TranscriptLine): void;
  lines(room: string, language: string): TranscriptLine[];
}

/**
 * Classes their teacher ended: their earlier join tokens stay refused until a moderator starts
 * the class again. Kept with the school's records so that a restart does not reopen them.
 */
export interface EndedClassRepository {
  /** When `room` was ended (ms), or undefined when it is open. */
  endedAt(room: string): number | undefined;
  markEnded(room: string, at: number): void;
  reopen(room: string): void;
}
