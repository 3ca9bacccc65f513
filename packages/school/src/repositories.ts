// The school's data, behind interfaces: SQLite implements them today; a server database for the
// multi-node setup implements the same ones. Every write commits before it returns.
import type { RecordingStatus } from '@cosmo/core';

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
  /**
   * Email addresses and preference, when the import has those columns (else kept as they are). A
   * `notifyEmail` of null keeps the one on record (`all` for someone new): an export without the
   * preference never undoes a student's opt-out.
   */
  contact?: Omit<Contact, 'personId' | 'notifyEmail'> & { notifyEmail: NotifyEmail | null };
}

/**
 * Which emails a person gets: `all` (a notice still unread after its sender's delay, and the
 * daily digest of the others), `fallback` (only the former), `none` (no email at all).
 */
export type NotifyEmail = 'all' | 'fallback' | 'none';

/** Where and whether a person is emailed about notices: their own address and a guardian's. */
export interface Contact {
  personId: string;
  email: string | null;
  guardianEmail: string | null;
  notifyEmail: NotifyEmail;
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
  /** A person's email addresses and preference (no addresses, `all`, when never set). */
  contact(personId: string): Contact;
  /** The contacts on record of these people (a person without one is absent). */
  contacts(personIds: readonly string[]): Map<string, Contact>;
  setContact(contact: Contact): void;
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
  /**
   * A recipient who has not read the notice this long after it was sent (or reminded) is emailed;
   * null: never (a non-urgent notice waits for the daily digest instead).
   */
  emailAfterMs: number | null;
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
  /** How the notice reached them: the open page (the default), a push or an email's link. */
  via?: Channel;
}

/** The rungs of the delivery ladder: the open page, Web Push, email. */
export type Channel = 'live' | 'push' | 'email';

/** A channel the ladder sends on from its queue (`digest`: a line in the daily email). */
export type QueuedChannel = 'push' | 'email' | 'digest';

/** One row of the ladder's queue: a notice to one recipient on one channel, in one round. */
export interface Delivery {
  noticeId: string;
  personId: string;
  channel: QueuedChannel;
  /** 0 for the notice itself, n for its n-th reminder. */
  round: number;
  dueAt: number;
  state: 'queued' | 'sending' | 'sent' | 'skipped' | 'failed';
  attempts: number;
  /** When it was sent, skipped or given up. */
  doneAt: number | null;
  /** Why it was skipped or failed, or how many devices took a push. */
  detail: string;
}

/** What the sender sees of one recipient: how the notice reached them and when. */
export interface RecipientStatus {
  personId: string;
  name: string;
  deliveredAt: number | null;
  /** How it was first delivered: `live`, `push` or `email` (null until delivered). */
  deliveredVia: Channel | null;
  /** When a push service first took a push of it (any device). */
  pushedAt: number | null;
  /** When the mail server first took an email of it (its own, or the daily digest). */
  emailedAt: number | null;
  readAt: number | null;
  reminders: number;
  /** Pushes and emails still waiting in the queue (a reminder's, or one that will be retried). */
  queued: number;
}

/** The totals of a notice's ladder, for the sender's summary. */
export interface DeliverySummary {
  recipients: number;
  /** Delivered, by how they were first reached. */
  live: number;
  pushed: number;
  emailed: number;
  /** Delivered by a push (the service worker's receipt) or an email's link. */
  deliveredByPush: number;
  deliveredByEmail: number;
  delivered: number;
  read: number;
  /** Not delivered by any channel yet. */
  unreached: number;
}

/** A browser's Web Push subscription, one per device a person allowed notifications on. */
export interface PushSubscriptionRecord {
  id: string;
  personId: string;
  endpoint: string;
  /** The browser's P-256 public key and auth secret (base64url), which the payload is encrypted to. */
  p256dh: string;
  auth: string;
  /** A label the device gave itself ("Pixel 8, Chrome"), for the person's list. */
  device: string;
  createdAt: number;
}

/** People's push subscriptions. */
export interface PushSubscriptionRepository {
  /** Adds a subscription, or moves an endpoint already known to this person (same browser, new login). */
  upsert(sub: PushSubscriptionRecord): PushSubscriptionRecord;
  forPerson(personId: string): PushSubscriptionRecord[];
  count(personId: string): number;
  /** How many devices each of these people has (a person with none is absent). */
  counts(personIds: readonly string[]): Map<string, number>;
  /** Removes one of a person's subscriptions by endpoint; false when it was not theirs. */
  removeEndpoint(personId: string, endpoint: string): boolean;
  /** Removes a subscription the push service no longer knows (404/410). */
  remove(id: string): void;
}

/**
 * The delivery ladder's queue: each (notice, recipient, channel, round) once. A row is claimed
 * (`sending`, committed) before it is sent and finished after, so a crash leaves it `sending`.
 */
export interface DeliveryRepository {
  /** Rows whose send was interrupted by a crash go back to the queue; returns how many. */
  requeueInterrupted(): number;
  /** Claims up to `limit` queued push and email rows due by `now`, in one transaction. */
  claimDue(now: number, limit: number): Delivery[];
  /** Claims every queued digest row due by `now` (each person's make one email). */
  claimDueDigests(now: number): Delivery[];
  /** Queues rows that are not there yet (a repeated key is ignored). */
  enqueue(rows: Omit<Delivery, 'state' | 'attempts' | 'doneAt' | 'detail'>[]): number;
  finish(
    d: Pick<Delivery, 'noticeId' | 'personId' | 'channel' | 'round'>,
    state: 'sent' | 'skipped' | 'failed',
    at: number,
    detail: string,
  ): void;
  /** Puts a claimed row back in the queue to try again at `dueAt`. */
  retry(
    d: Pick<Delivery, 'noticeId' | 'personId' | 'channel' | 'round'>,
    dueAt: number,
    detail: string,
  ): void;
  forNotice(noticeId: string): Delivery[];
  /** The earliest due time of a queued row, if any. */
  nextDueAt(): number | undefined;
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
  create(
    notice: Notice,
    recipientIds: string[],
    deliveries?: Omit<Delivery, 'state' | 'attempts' | 'doneAt' | 'detail'>[],
  ): { notice: Notice; created: boolean };
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
  /** Per recipient: how and when the notice reached them, by name. */
  recipientStatuses(noticeId: string): RecipientStatus[];
  /** The totals of the ladder. */
  deliverySummary(noticeId: string): DeliverySummary;
  /** Whether a recipient has read (`read`) or at least received (`delivered`) a notice. */
  progress(noticeId: string, personId: string): { delivered: boolean; read: boolean } | undefined;
  /** Unread recipients due a reminder: pushed at least `intervalMs` ago, fewer than `limit` reminders. */
  dueReminders(
    now: number,
    intervalMs: number,
    limit: number,
  ): { noticeId: string; personId: string; reminders: number }[];
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

/**
 * Where handout files are kept, by the SHA-256 of their content: the same file uploaded twice is
 * stored once, and stored bytes never change under their address.
 */
export interface HandoutContentStore {
  /** Stores a copy of the file at `path` (the caller keeps it); returns its hex address. */
  putFile(path: string): Promise<string>;
  /**
   * The bytes at an address. Throws a TypeError for a malformed address; rejects with an error
   * whose `code` is `'ENOENT'` when nothing is stored there (a listed handout without its file is
   * a server fault, not the asker's NOT_FOUND).
   */
  get(sha256: string): Promise<Buffer>;
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

/** A room's waiting room as its moderators set it. */
export interface WaitingRoomSettings {
  /** Students and observers not let in yet wait until a moderator admits them. */
  enabled: boolean;
  /** Students on the class's roster go straight in. */
  admitRoster: boolean;
}

/**
 * Each room's waiting-room settings. Kept with the school's records so that a restart does not
 * silently open a waiting room that its teacher closed.
 */
export interface WaitingRoomRepository {
  /** The settings of `room`, or undefined when nobody has set them. */
  settings(room: string): WaitingRoomSettings | undefined;
  save(room: string, settings: WaitingRoomSettings, at: number): void;
}

/** How a poll is answered: one option, any number of options, or a short text. */
export type PollKindName = 'single' | 'multiple' | 'text';

/** A poll or quiz as its moderator wrote it (kept as JSON). */
export interface PollQuestionRecord {
  question: string;
  kind: PollKindName;
  /** The choices of a choice poll; empty for a text poll. */
  options: string[];
  /** The server keeps that a person answered, never what they answered. */
  anonymous: boolean;
  /** A quiz: the correct options (0-based) of a choice quiz, or the accepted texts of a text quiz. */
  correct: number[];
  accepted: string[];
}

/** A poll of a lecture room. */
export interface PollRecord {
  id: string;
  room: string;
  question: PollQuestionRecord;
  startedAt: number;
  /** Null while it is open. */
  closedAt: number | null;
  resultsShown: boolean;
}

/** A person's answer to a named poll (anonymous polls have none). */
export interface PollAnswerRecord {
  pollId: string;
  personId: string;
  name: string;
  /** The options chosen (0-based), or the text of a text poll. */
  choices: number[];
  text: string;
  answeredAt: number;
}

/** What is kept of an anonymous poll's answers: who answered, and totals that name nobody. */
export interface AnonymousPollTotals {
  voters: string[];
  /** How many chose each option, by 0-based index (options nobody chose are absent). */
  counts: Map<number, number>;
  /** Each distinct text answer and how many gave it, by text. */
  texts: { text: string; count: number }[];
}

/** A question a moderator keeps for later, per class. */
export interface PreparedPollRecord {
  id: string;
  classId: string;
  question: PollQuestionRecord;
  updatedAt: number;
}

/**
 * Polls and quizzes of lecture rooms, and each class's prepared questions. An anonymous poll's
 * tables never tie a person to an answer: `poll_voters` (who answered) and the totals
 * (`poll_tallies`, `poll_texts`) share no key but the poll, and keep no order or time.
 */
export interface PollRepository {
  create(poll: PollRecord): void;
  get(id: string): PollRecord | undefined;
  /** The polls of a room, oldest first. */
  forRoom(room: string): PollRecord[];
  setClosed(id: string, at: number): void;
  setResultsShown(id: string, shown: boolean): void;
  /** A named poll: keeps a person's answer, replacing their earlier one. */
  saveAnswer(answer: PollAnswerRecord): void;
  /** A named poll's answers, by person. */
  answers(pollId: string): PollAnswerRecord[];
  /**
   * An anonymous poll, in one transaction: records that `personId` answered and adds the answer
   * to the totals. False, changing nothing, when they had answered already.
   */
  countAnonymous(
    pollId: string,
    personId: string,
    choices: readonly number[],
    text: string,
  ): boolean;
  anonymousTotals(pollId: string): AnonymousPollTotals;
  /** A class's prepared questions, oldest first. */
  prepared(classId: string): PreparedPollRecord[];
  /** Adds a prepared question or replaces the one with its id. */
  savePrepared(record: PreparedPollRecord): void;
  /** False when the class has no such question. */
  removePrepared(classId: string, id: string): boolean;
}

/** Where a recording is in its life. */
export type { RecordingStatus };

/** A chapter of a published recording: a poll or a screen share started here. */
export interface RecordingChapter {
  /** Offset from the recording's start. */
  atMs: number;
  title: string;
}

/**
 * A lecture's recording: one per classroom session (however often it is stopped and started),
 * its files under `<dataDir>/recordings/<id>/`. `classId`/`schoolId` are '' for a room the roster
 * does not know (then only tokens for `room` reach it).
 */
export interface RecordingRecord {
  id: string;
  room: string;
  classId: string;
  schoolId: string;
  /** The lecture it is, '' when the room is a class's own room. */
  lectureId: string;
  title: string;
  /** Unix ms: the first recorded moment, and the last (0 while recording). */
  startedAt: number;
  endedAt: number;
  status: RecordingStatus;
  /** Publishing: 0…1. */
  progress: number;
  /** Of the published file. */
  durationMs: number;
  bytes: number;
  /** The caption languages of the published file (the spoken one first). */
  languages: string[];
  chapters: RecordingChapter[];
  /** Students of the class may download the file (they may always watch it). */
  allowDownload: boolean;
  /** Why it failed (status `failed`), for ops; '' otherwise. */
  error: string;
  /** Unix ms after which it is purged; 0: kept. */
  expiresAt: number;
  /** Who started it (identity). */
  startedBy: string;
}

/** Recordings of lectures. */
export interface RecordingRepository {
  add(recording: RecordingRecord): void;
  get(id: string): RecordingRecord | undefined;
  /** Changes the given fields. */
  update(id: string, patch: Partial<Omit<RecordingRecord, 'id'>>): void;
  /** Recordings of a class (newest first); of a room the roster does not know, by room. */
  forClass(classId: string): RecordingRecord[];
  forRoom(room: string): RecordingRecord[];
  /** Every recording (newest first), or a school's. */
  all(schoolId?: string): RecordingRecord[];
  /** Recordings whose `expiresAt` (non-zero) is at or before `now`. */
  expired(now: number): RecordingRecord[];
  /** Recordings left `recording`/`stopped`/`publishing` (a crash interrupted them). */
  unfinished(): RecordingRecord[];
  remove(id: string): void;
}

/** One change of a classroom's board (a Yjs update), in the order the server applied it. */
export interface BoardUpdateRecord {
  room: string;
  seq: number;
  update: Uint8Array;
  /** Who made it. */
  identity: string;
  /** Unix ms. */
  at: number;
}

/**
 * Boards of classrooms: each change appended as it is applied (acknowledged changes survive a
 * crash), and now and then a snapshot of the whole document, so a restart loads the snapshot and
 * the changes after it. Changes are kept after a snapshot (with their times, a recording can replay
 * the board) until `prune`.
 */
export interface BoardRepository {
  /** Appends a change; returns its sequence number (1, 2, … per room). Durable when it returns. */
  append(room: string, update: Uint8Array, identity: string, at: number): number;
  /**
   * Appends changes (of one room or several) in one transaction, one disk flush; returns their
   * sequence numbers, in order. Durable when it returns.
   */
  appendMany(changes: readonly Omit<BoardUpdateRecord, 'seq'>[]): number[];
  /** The latest snapshot (a Yjs update holding the whole document) and the changes after it. */
  load(room: string): {
    snapshot: Uint8Array | undefined;
    snapshotSeq: number;
    updates: BoardUpdateRecord[];
  };
  /** Stores a snapshot of the document as of change `uptoSeq` (replacing the previous one). */
  saveSnapshot(room: string, snapshot: Uint8Array, uptoSeq: number): void;
  /** Changes between two times (Unix ms, inclusive), in order: a recording replays them. */
  history(room: string, fromAt: number, toAt: number): BoardUpdateRecord[];
  /** Drops changes already in the snapshot that are older than `before` (Unix ms). */
  prune(room: string, before: number): number;
  /** Forgets the room's board (snapshot and changes). */
  clear(room: string): void;
}
