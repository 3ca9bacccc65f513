import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  CosmoError,
  ErrorCode,
  NotFoundError,
  PermissionError,
  TypedEmitter,
  isModerator,
} from '@cosmo/core';
import {
  attendanceCsv,
  attendanceReport,
  lectureDate,
  type AttendancePolicy,
  type AttendanceRow,
} from './attendance.js';
import type {
  AttendanceRepository,
  BoardRepository,
  BoardUpdateRecord,
  Channel,
  ChatRepository,
  Contact,
  DeliveryRepository,
  DeliverySummary,
  EndedClassRepository,
  Handout,
  HandoutContentStore,
  HandoutRepository,
  TranscriptLine,
  TranscriptRepository,
  LeaveRepository,
  LeaveRequest,
  Lecture,
  Notice,
  NoticeRepository,
  Person,
  PushSubscriptionRecord,
  PushSubscriptionRepository,
  PollRepository,
  RecordingRecord,
  RecordingRepository,
  ReceiptInput,
  Receipts,
  RecipientStatus,
  RosterRepository,
  StoredChat,
  WaitingRoomRepository,
} from './repositories.js';
import { DeliveryLadder, type DeliveryLadderOptions } from './delivery/DeliveryLadder.js';
import { checkDigestTime, nextDigestAt } from './delivery/digestTime.js';
import { planDeliveries, type PlannedDelivery } from './delivery/planDeliveries.js';
import { SqliteDeliveryRepository } from './sqlite/SqliteDeliveryRepository.js';
import { SqlitePushSubscriptionRepository } from './sqlite/SqlitePushSubscriptionRepository.js';
import { CachedContentStore } from './CachedContentStore.js';
import { ContentStore } from './ContentStore.js';
import { PostgresContentStore } from './postgres/PostgresContentStore.js';
import { GroupCommit } from './GroupCommit.js';
import { checkHandoutFile } from './handoutFiles.js';
import { parseRosterCsv, type RowError } from './rosterCsv.js';
import { pollsCsv } from './pollsCsv.js';
import { SqliteHandoutRepository } from './sqlite/SqliteHandoutRepository.js';
import { SqliteTranscriptRepository } from './sqlite/SqliteTranscriptRepository.js';
import { formatTranscript, type TranscriptFormat } from './transcript.js';
import { openSchoolDatabase } from './SchoolDatabase.js';
import { openPostgresDatabase } from './postgres/PostgresDatabase.js';
import { postgresRepositories } from './postgres/repositories.js';
import { SqliteAttendanceRepository } from './sqlite/SqliteAttendanceRepository.js';
import { SqliteChatRepository } from './sqlite/SqliteChatRepository.js';
import { SqliteEndedClassRepository } from './sqlite/SqliteEndedClassRepository.js';
import { SqliteWaitingRoomRepository } from './sqlite/SqliteWaitingRoomRepository.js';
import { SqliteLeaveRepository } from './sqlite/SqliteLeaveRepository.js';
import { SqliteNoticeRepository } from './sqlite/SqliteNoticeRepository.js';
import { SqlitePollRepository } from './sqlite/SqlitePollRepository.js';
import { SqliteRosterRepository } from './sqlite/SqliteRosterRepository.js';
import { SqliteRecordingRepository } from './sqlite/SqliteRecordingRepository.js';
import { SchoolRecordings, type NewRecording, type RecordingViewer } from './recordings.js';
import { SqliteBoardRepository } from './sqlite/SqliteBoardRepository.js';
import { SchoolBoards } from './boards.js';

/** The repositories a school runs on. */
export interface SchoolRepositories {
  roster: RosterRepository;
  attendance: AttendanceRepository;
  leave: LeaveRepository;
  notices: NoticeRepository;
  chat: ChatRepository;
  handouts: HandoutRepository;
  transcripts: TranscriptRepository;
  endedClasses: EndedClassRepository;
  waitingRooms: WaitingRoomRepository;
  pushSubscriptions: PushSubscriptionRepository;
  deliveries: DeliveryRepository;
  polls: PollRepository;
  recordings: RecordingRepository;
  boards: BoardRepository;
}

/** Tunables of the school features. */
export interface SchoolOptions {
  /** Unread notices are pushed again this often… */
  reminderIntervalMs: number;
  /** …at most this many times. */
  reminderLimit: number;
  attendance?: AttendancePolicy;
  /** An urgent notice still unread this long after it was sent is emailed, unless its sender chose. */
  emailDelayMs: number;
  /**
   * A recipient connected when an urgent notice is sent is pushed it too if their page has not
   * acknowledged it this long after (a page asleep in a background tab).
   */
  pushGraceMs: number;
  /**
   * When the daily digest of non-urgent notices still unread is emailed (`HH:MM`, in `timeZone`),
   * to people whose preference is `all`.
   */
  digestAt: string;
  /** The school's time zone (IANA name). */
  timeZone: string;
  /** The clock, replaceable in tests of time-based rules. */
  now: () => number;
}

/** Defaults: a reminder every 10 minutes, three at most. */
export const DEFAULT_SCHOOL_OPTIONS: SchoolOptions = {
  reminderIntervalMs: 10 * 60_000,
  reminderLimit: 3,
  emailDelayMs: 10 * 60_000,
  pushGraceMs: 30_000,
  digestAt: '17:00',
  timeZone: 'UTC',
  now: Date.now,
};

/** Push subscriptions kept per person (phones, tablets, laptops, browsers). */
export const MAX_PUSH_DEVICES = 10;

/** The longest a sender may ask the ladder to wait before emailing (a week). */
export const MAX_EMAIL_DELAY_MS = 7 * 86_400_000;

/** Events for the server: what to push to whom. */
export type SchoolEvents = {
  /** A handout was added to a class; show it in its classrooms. */
  handoutAdded: [handout: Handout];
  /** Push `notice` to `personId` if they are connected; `reminder` for a repeat. */
  deliver: [personId: string, notice: Notice, reminder: boolean];
  /** The receipt totals of a notice changed; tell its sender. */
  receipts: [notice: Notice, receipts: Receipts];
};

/**
 * The school's daily operations: roster, attendance, leave, notices with receipts, chat history.
 * Writes are committed before a method returns, so an acknowledged request survives a crash.
 */
export class School extends TypedEmitter<SchoolEvents> {
  readonly repos: SchoolRepositories;
  readonly options: SchoolOptions;
  /** The database connection, closed with the school. */
  readonly #db: { close(): void } | undefined;
  readonly #content: HandoutContentStore;
  #reminderTimer: ReturnType<typeof setInterval> | undefined;
  #isOnline: (personId: string) => boolean = () => false;
  #ladder: DeliveryLadder | undefined;
  /** Receipts waiting for the next commit. */
  readonly #receipts = new GroupCommit<ReceiptInput, Receipts>((inputs) =>
    this.#commitReceipts(inputs),
  );
  #closed = false;
  readonly #recordings: SchoolRecordings;
  readonly #boards: SchoolBoards;

  constructor(
    repos: SchoolRepositories,
    content: HandoutContentStore,
    options: Partial<SchoolOptions> = {},
    db?: { close(): void },
  ) {
    super();
    this.repos = repos;
    this.#content = content;
    this.options = { ...DEFAULT_SCHOOL_OPTIONS, ...options };
    checkDigestTime(this.options.digestAt, this.options.timeZone);
    this.#db = db;
    this.#recordings = new SchoolRecordings(repos.roster, repos.recordings);
    this.#boards = new SchoolBoards(repos.boards);
  }

  /** Opens the embedded SQLite school database `<dataDir>/cosmo.db`. */
  static open(dataDir: string, options: Partial<SchoolOptions> = {}): School {
    const db = openSchoolDatabase(join(dataDir, 'cosmo.db'));
    return new School(
      {
        roster: new SqliteRosterRepository(db),
        attendance: new SqliteAttendanceRepository(db),
        leave: new SqliteLeaveRepository(db),
        notices: new SqliteNoticeRepository(db),
        chat: new SqliteChatRepository(db),
        handouts: new SqliteHandoutRepository(db),
        transcripts: new SqliteTranscriptRepository(db),
        endedClasses: new SqliteEndedClassRepository(db),
        waitingRooms: new SqliteWaitingRoomRepository(db),
        pushSubscriptions: new SqlitePushSubscriptionRepository(db),
        deliveries: new SqliteDeliveryRepository(db),
        polls: new SqlitePollRepository(db),
        recordings: new SqliteRecordingRepository(db),
        boards: new SqliteBoardRepository(db),
      },
      new ContentStore(join(dataDir, 'handouts')),
      options,
      db,
    );
  }

  /**
   * Opens the school's records in PostgreSQL at `url`, handout files included, shared by the
   * servers of a cluster (migrated by the first to start).
   */
  static openPostgres(
    url: string,
    options: Partial<SchoolOptions> = {},
    /** A local folder keeping copies of the handout files this node stored or read. */
    cacheDir?: string,
  ): School {
    const db = openPostgresDatabase(url);
    try {
      const shared = new PostgresContentStore(db);
      const content = cacheDir
        ? new CachedContentStore(shared, new ContentStore(cacheDir))
        : shared;
      return new School(postgresRepositories(db), content, options, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Starts sending reminders of unread notices; `isOnline` says who can receive one now. */
  startReminders(
    isOnline: (personId: string) => boolean,
    checkEveryMs = Math.min(60_000, this.options.reminderIntervalMs),
    /** Whether this process sends them (in a cluster, one node does: its leader). */
    sends: () => boolean = () => true,
  ): void {
    this.#isOnline = isOnline;
    clearInterval(this.#reminderTimer);
    this.#reminderTimer = setInterval(() => {
      if (sends()) this.sendDueReminders(isOnline);
    }, checkEveryMs);
    this.#reminderTimer.unref?.();
  }

  /**
   * Starts the delivery ladder: urgent notices are pushed to the devices of recipients who are not
   * connected, and notices still unread after their delay are emailed. What a crash interrupted is
   * sent again first. The ladder closes with the school.
   */
  startDelivery(
    options: Partial<DeliveryLadderOptions> & Pick<DeliveryLadderOptions, 'link'>,
  ): DeliveryLadder {
    this.#ladder?.close();
    const ladder = new DeliveryLadder(this.repos, {
      now: this.options.now,
      timeZone: this.options.timeZone,
      ...options,
    });
    this.#ladder = ladder;
    ladder.start();
    return ladder;
  }

  /** The delivery ladder, once started. */
  get ladder(): DeliveryLadder | undefined {
    return this.#ladder;
  }

  /** The ladder's rows for a notice to `personIds` in `round` (none before the ladder starts). */
  #plan(
    notice: Notice,
    personIds: readonly string[],
    round: number,
    now: number,
  ): PlannedDelivery[] {
    const ladder = this.#ladder;
    if (!ladder) return [];
    return planDeliveries(
      {
        roster: this.repos.roster,
        pushSubscriptions: this.repos.pushSubscriptions,
        pushes: ladder.pushes,
        emails: ladder.emails,
        isOnline: this.#isOnline,
        pushGraceMs: this.options.pushGraceMs,
        digestAt: nextDigestAt(now, this.options.digestAt, this.options.timeZone),
      },
      notice,
      personIds,
      round,
      now,
    );
  }

  /**
   * Reminds every unread recipient who is due one, on the same ladder: on the page when connected,
   * otherwise by push and email (a row per round); returns how many were reminded.
   */
  sendDueReminders(isOnline: (personId: string) => boolean): number {
    const now = this.options.now();
    let sent = 0;
    const notices = new Map<string, Notice | undefined>();
    const noticeOf = (id: string) => {
      if (!notices.has(id)) notices.set(id, this.repos.notices.get(id));
      return notices.get(id);
    };
    /** Who is not connected, by notice and round: planned together, a query or two per group. */
    const offline = new Map<string, { notice: Notice; round: number; people: string[] }>();
    for (const due of this.repos.notices.dueReminders(
      now,
      this.options.reminderIntervalMs,
      this.options.reminderLimit,
    )) {
      const notice = noticeOf(due.noticeId);
      if (!notice) continue;
      if (!isOnline(due.personId)) {
        if (!this.#ladder) continue;
        const key = `${notice.id}/${due.reminders + 1}`;
        const group = offline.get(key) ?? { notice, round: due.reminders + 1, people: [] };
        group.people.push(due.personId);
        offline.set(key, group);
        continue;
      }
      this.repos.notices.markPushed(notice.id, due.personId, now, true);
      this.safeEmit('deliver', due.personId, notice, true);
      sent++;
    }
    for (const { notice, round, people } of offline.values()) {
      const rows = this.#plan(notice, people, round, now);
      if (rows.length === 0) continue;
      this.repos.deliveries.enqueue(rows);
      for (const personId of new Set(rows.map((r) => r.personId))) {
        this.repos.notices.markPushed(notice.id, personId, now, true);
        sent++;
      }
    }
    if (sent > 0) this.#ladder?.kick();
    return sent;
  }

  // ---- roster --------------------------------------------------------------------------------

  /**
   * Imports a roster CSV; all or nothing, with every row error reported. With `schoolId` (an
   * admin of that school importing) every row must be of that school. A class or person id that
   * another school already owns is refused with its line: ids never move between schools, so one
   * school's import cannot rename, promote or enrol another school's people.
   */
  importRosterCsv(
    text: string,
    schoolId?: string,
  ): { ok: true; people: number; classes: number } | { ok: false; errors: RowError[] } {
    const parsed = parseRosterCsv(text);
    if (!parsed.ok) return parsed;
    const roster = this.repos.roster;
    const errors: RowError[] = [];
    for (const e of parsed.entries) {
      if (schoolId && e.schoolId !== schoolId) {
        errors.push({
          line: e.line,
          column: 'school_id',
          message: `school_id must be ${schoolId}`,
        });
        continue;
      }
      if (roster.lecture(e.classId)) {
        errors.push({
          line: e.line,
          column: 'class_id',
          message: `the id ${e.classId} is taken by a lecture; choose another`,
        });
      }
      const owners = [
        ['class_id', 'class', e.classId, roster.schoolClass(e.classId)],
        ['person_id', 'person', e.personId, roster.person(e.personId)],
      ] as const;
      for (const [column, what, id, existing] of owners) {
        if (existing && existing.schoolId !== e.schoolId) {
          errors.push({
            line: e.line,
            column,
            message: `${what} ${id} belongs to another school; choose another id`,
          });
        }
      }
    }
    if (errors.length > 0) return { ok: false, errors };
    return { ok: true, ...roster.importEntries(parsed.entries) };
  }

  /** A person on the roster, or NOT_FOUND. */
  person(id: string): Person {
    const p = this.repos.roster.person(id);
    if (!p) throw new NotFoundError(`no person ${id} on the roster`);
    return p;
  }

  /** Schedules a lecture of a class. */
  addLecture(
    input: { id?: string; classId: string; title: string; startsAt: number; endsAt: number },
    schoolId?: string,
  ): Lecture {
    const cls = this.repos.roster.schoolClass(input.classId);
    if (!cls || (schoolId && cls.schoolId !== schoolId))
      throw new NotFoundError(`no class ${input.classId}`);
    if (!(input.endsAt > input.startsAt))
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'a lecture must end after it starts');
    const lecture: Lecture = {
      id: input.id ?? randomUUID(),
      classId: cls.id,
      title: input.title,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
    };
    // Lectures and classes share one namespace, the room names: a lecture named like a class
    // (of any school) would take over that class's classroom.
    if (this.repos.roster.lecture(lecture.id) || this.repos.roster.schoolClass(lecture.id))
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `the id ${lecture.id} is taken by another class or lecture; choose another`,
      );
    this.repos.roster.addLecture(lecture);
    return lecture;
  }

  // ---- attendance ----------------------------------------------------------------------------

  /** Records that `personId` joined or left the classroom `room`, when it is a lecture of theirs. */
  recordPresence(
    room: string,
    personId: string,
    kind: 'join' | 'leave',
    at = this.options.now(),
  ): boolean {
    const lecture = this.repos.roster.lecture(room);
    if (!lecture || !this.repos.roster.isMember(lecture.classId, personId)) return false;
    this.repos.attendance.record({ lectureId: lecture.id, personId, kind, at });
    return true;
  }

  /** The attendance report of a lecture, one row per student of its class. */
  attendance(lectureId: string, schoolId?: string): AttendanceRow[] {
    const lecture = this.repos.roster.lecture(lectureId);
    const cls = lecture && this.repos.roster.schoolClass(lecture.classId);
    if (!lecture || !cls || (schoolId && cls.schoolId !== schoolId))
      throw new NotFoundError(`no lecture ${lectureId}`);
    const students = this.repos.roster.classMembers(cls.id).filter((p) => p.role === 'student');
    const date = lectureDate(lecture);
    const excused = new Set(
      students.filter((s) => this.repos.leave.approvedOn(s.id, cls.id, date)).map((s) => s.id),
    );
    return attendanceReport({
      lecture,
      className: cls.name,
      students,
      events: this.repos.attendance.events(lecture.id),
      excused,
      now: this.options.now(),
      ...(this.options.attendance ? { policy: this.options.attendance } : {}),
    });
  }

  /** The attendance report as CSV. */
  attendanceCsv(lectureId: string, schoolId?: string): string {
    return attendanceCsv(this.attendance(lectureId, schoolId));
  }

  // ---- polls ---------------------------------------------------------------------------------

  /**
   * The poll results of a lecture room as CSV (the format: `pollsCsv`). NOT_FOUND when `room` is
   * not a lecture, or is one of another school than `schoolId`.
   */
  pollResultsCsv(room: string, schoolId?: string): string {
    const lecture = this.repos.roster.lecture(room);
    const cls = lecture && this.repos.roster.schoolClass(lecture.classId);
    if (!lecture || !cls || (schoolId && cls.schoolId !== schoolId))
      throw new NotFoundError(`no lecture ${room}`);
    const polls = this.repos.polls;
    return pollsCsv(
      polls.forRoom(room).map((poll) => ({
        poll,
        answers: poll.question.anonymous ? [] : polls.answers(poll.id),
        totals: poll.question.anonymous ? polls.anonymousTotals(poll.id) : undefined,
      })),
    );
  }

  // ---- leave ---------------------------------------------------------------------------------

  /** A student asks for leave from a class. */
  requestLeave(
    personId: string,
    input: { classId: string; fromDate: string; toDate: string; reason: string },
  ): LeaveRequest {
    const person = this.person(personId);
    if (!this.repos.roster.isMember(input.classId, personId))
      throw new NotFoundError(`${person.name} is not in class ${input.classId}`);
    // A real day: 2026-02-31 parses (as March 3rd) but is not one.
    const isDay = (d: string) =>
      /^\d{4}-\d{2}-\d{2}$/.test(d) &&
      !Number.isNaN(Date.parse(d)) &&
      new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
    if (!isDay(input.fromDate) || !isDay(input.toDate)) {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'dates must be YYYY-MM-DD');
    }
    if (input.toDate < input.fromDate)
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        'the leave must end on or after its first day',
      );
    const reason = input.reason.trim();
    if (!reason || reason.length > 1000)
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        'a reason of 1 to 1000 characters is required',
      );
    const request: LeaveRequest = {
      id: randomUUID(),
      personId,
      classId: input.classId,
      fromDate: input.fromDate,
      toDate: input.toDate,
      reason,
      status: 'pending',
      decidedBy: null,
      comment: null,
      createdAt: this.options.now(),
      decidedAt: null,
    };
    this.repos.leave.create(request);
    return request;
  }

  /** A teacher of the class (or a school admin) approves or rejects a pending request. */
  decideLeave(
    deciderId: string,
    requestId: string,
    approve: boolean,
    comment: string,
  ): LeaveRequest {
    const request = this.repos.leave.get(requestId);
    // Another school's request does not exist for this decider (not even its class is named).
    if (!request || !this.inSameSchool(deciderId, request.classId))
      throw new NotFoundError('no such leave request');
    this.assertModerates(deciderId, request.classId);
    if (
      !this.repos.leave.decide(
        requestId,
        approve ? 'approved' : 'rejected',
        deciderId,
        comment.trim(),
        this.options.now(),
      )
    ) {
      throw new CosmoError(ErrorCode.INVALID_STATE, `the request was already ${request.status}`);
    }
    const decided = this.repos.leave.get(requestId)!;
    const decider = this.person(deciderId);
    const cls = this.repos.roster.schoolClass(decided.classId)!;
    const now = this.options.now();
    const draft: Notice = {
      id: randomUUID(),
      schoolId: cls.schoolId,
      audience: `person:${decided.personId}`,
      senderId: decider.id,
      senderName: decider.name,
      title: `Leave ${decided.status}: ${decided.fromDate}–${decided.toDate} (${cls.name})`,
      body: decided.comment ?? '',
      urgent: false,
      sentAt: now,
      idempotencyKey: `leave:${decided.id}`,
      emailAfterMs: null,
    };
    // Unread by evening, it is in the student's daily digest.
    const { notice } = this.repos.notices.create(
      draft,
      [decided.personId],
      this.#plan(draft, [decided.personId], 0, now),
    );
    this.safeEmit('deliver', decided.personId, notice, false);
    return decided;
  }

  // ---- notices -------------------------------------------------------------------------------

  /**
   * Sends a notice to a class (`class:<id>`) or the whole school (`school:<id>`): stored with its
   * recipients first, then pushed. A repeated idempotency key returns the first notice.
   */
  sendNotice(input: {
    senderId: string;
    audience: string;
    title: string;
    body: string;
    urgent: boolean;
    idempotencyKey?: string;
    /**
     * Email who has not read it this long after (ms); null: never. Default: `emailDelayMs` for an
     * urgent notice, never for another (it waits for the daily digest).
     */
    emailAfterMs?: number | null;
  }): {
    notice: Notice;
    recipients: number;
  } {
    const sender = this.person(input.senderId);
    const [kind, target = ''] = input.audience.split(':', 2);
    let members: Person[];
    let schoolId: string;
    if (kind === 'class') {
      const cls = this.repos.roster.schoolClass(target);
      if (!cls || cls.schoolId !== sender.schoolId) throw new NotFoundError(`no class ${target}`);
      this.assertModerates(sender.id, cls.id);
      members = this.repos.roster.classMembers(cls.id);
      schoolId = cls.schoolId;
    } else if (kind === 'school') {
      if (target !== sender.schoolId) throw new NotFoundError(`no school ${target}`);
      if (sender.role !== 'admin')
        throw new PermissionError('only a school admin may notify the whole school');
      members = this.repos.roster.schoolMembers(target);
      schoolId = target;
    } else {
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        'audience must be class:<id> or school:<id>',
      );
    }
    // A title is one line (it becomes an email's subject and a notification's heading); a body
    // keeps its line breaks and tabs but no other control characters.
    const title = input.title.replace(/\p{Cc}+/gu, ' ').trim();
    const body = input.body.replace(/[^\P{Cc}\n\t]+/gu, '').trim();
    if (!title || title.length > 200)
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        'a title of 1 to 200 characters is required',
      );
    if (body.length > 5000)
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'the body is at most 5000 characters');
    const emailAfterMs =
      input.emailAfterMs === undefined
        ? input.urgent
          ? this.options.emailDelayMs
          : null
        : input.emailAfterMs;
    if (
      emailAfterMs !== null &&
      !(Number.isInteger(emailAfterMs) && emailAfterMs >= 0 && emailAfterMs <= MAX_EMAIL_DELAY_MS)
    )
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        'the email delay is a whole number of milliseconds from 0 to a week',
      );
    const recipients = members.filter((m) => m.id !== sender.id).map((m) => m.id);
    const now = this.options.now();
    const draft: Notice = {
      id: randomUUID(),
      schoolId,
      audience: input.audience,
      senderId: sender.id,
      senderName: sender.name,
      title,
      body,
      urgent: input.urgent,
      sentAt: now,
      // Keys are the sender's own: another school's (or person's) key never returns their notice.
      idempotencyKey: input.idempotencyKey
        ? `${schoolId}:${sender.id}:${input.idempotencyKey}`
        : null,
      emailAfterMs,
    };
    const { notice, created } = this.repos.notices.create(
      draft,
      recipients,
      this.#plan(draft, recipients, 0, now),
    );
    if (created) {
      for (const id of recipients) this.safeEmit('deliver', id, notice, false);
      this.#ladder?.kick();
    }
    return { notice, recipients: this.repos.notices.receipts(notice.id).recipients };
  }

  /** Notices `personId` has not acknowledged yet. */
  undeliveredFor(personId: string): Notice[] {
    return this.repos.notices.undelivered(personId);
  }

  /**
   * What a person's inbox shows when they connect: every notice not yet read (the undelivered
   * among them), so a phone and a laptop show the same inbox. Newest 100.
   */
  inboxFor(personId: string): Notice[] {
    return this.repos.notices.unread(personId, 100);
  }

  /**
   * Records a delivered or read receipt from a recipient; resolves with the notice's totals once
   * it is committed. Receipts that arrive together (10,000 students reading an urgent notice) are
   * committed together, in one transaction (one disk flush), and the sender hears one summary per
   * notice per commit.
   */
  receipt(
    personId: string,
    noticeId: string,
    kind: 'delivered' | 'read',
    via: Channel = 'live',
  ): Promise<Receipts> {
    if (this.#closed)
      return Promise.reject(new CosmoError(ErrorCode.CLOSED, 'the school is closed'));
    return this.#receipts.add({ personId, noticeId, kind, at: this.options.now(), via });
  }

  #commitReceipts(inputs: ReceiptInput[]): (Receipts | Error)[] {
    const outcomes = this.repos.notices.recordReceipts(inputs);
    const totals = new Map<string, Receipts>();
    const totalsOf = (id: string) => {
      let receipts = totals.get(id);
      if (!receipts) totals.set(id, (receipts = this.repos.notices.receipts(id)));
      return receipts;
    };
    const changed = new Set<string>();
    const results = inputs.map((r, i) => {
      if (outcomes[i] === 'unknown') return new NotFoundError('no such notice for you');
      if (outcomes[i] === 'changed') changed.add(r.noticeId);
      return totalsOf(r.noticeId);
    });
    for (const id of changed) {
      const notice = this.repos.notices.get(id);
      if (notice) this.safeEmit('receipts', notice, totalsOf(id));
    }
    return results;
  }

  /** Receipt totals of a notice, for its sender or a school admin. */
  receiptsOf(noticeId: string, askerId: string): Receipts {
    this.#noticeForSender(noticeId, askerId);
    return this.repos.notices.receipts(noticeId);
  }

  /**
   * How a notice reached each recipient (live, pushed, emailed, read, and when) with the totals,
   * for its sender or an admin of its school.
   */
  deliveryReport(
    noticeId: string,
    askerId: string,
  ): { notice: Notice; summary: DeliverySummary; recipients: RecipientStatus[] } {
    const notice = this.#noticeForSender(noticeId, askerId);
    const recipients = this.repos.notices.recipientStatuses(noticeId);
    return { notice, summary: this.repos.notices.deliverySummary(noticeId), recipients };
  }

  #noticeForSender(noticeId: string, askerId: string): Notice {
    const notice = this.repos.notices.get(noticeId);
    const asker = this.repos.roster.person(askerId);
    if (!notice || !asker || asker.schoolId !== notice.schoolId)
      throw new NotFoundError('no such notice');
    if (notice.senderId !== askerId && asker.role !== 'admin')
      throw new PermissionError('only the sender sees the receipts');
    return notice;
  }

  /** A notice for one of its recipients, or NOT_FOUND (for anyone else, whether or not it exists). */
  noticeFor(noticeId: string, personId: string): Notice {
    const notice = this.repos.notices.get(noticeId);
    if (!notice || !this.repos.notices.isRecipient(noticeId, personId))
      throw new NotFoundError('no such notice');
    return notice;
  }

  // ---- push subscriptions and contacts -------------------------------------------------------

  /**
   * Keeps a device's push subscription for a person on the roster (a browser that moves to another
   * person is theirs from then on). The endpoint must be one `checkEndpoint` accepts.
   */
  subscribePush(
    personId: string,
    sub: { endpoint: string; p256dh: string; auth: string; device?: string },
  ): PushSubscriptionRecord {
    this.person(personId);
    const b64 = /^[A-Za-z0-9_-]+={0,2}$/;
    if (!b64.test(sub.p256dh) || Buffer.from(sub.p256dh, 'base64url').length !== 65)
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'keys.p256dh: not a P-256 public key');
    if (!b64.test(sub.auth) || Buffer.from(sub.auth, 'base64url').length < 16)
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'keys.auth: not an auth secret');
    if (this.repos.pushSubscriptions.count(personId) >= MAX_PUSH_DEVICES)
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `at most ${MAX_PUSH_DEVICES} devices per person: remove one first`,
      );
    return this.repos.pushSubscriptions.upsert({
      id: randomUUID(),
      personId,
      endpoint: sub.endpoint,
      p256dh: sub.p256dh,
      auth: sub.auth,
      device: (sub.device ?? '').trim().slice(0, 120),
      createdAt: this.options.now(),
    });
  }

  /** Forgets one of a person's devices; false when it was not theirs. */
  unsubscribePush(personId: string, endpoint: string): boolean {
    return this.repos.pushSubscriptions.removeEndpoint(personId, endpoint);
  }

  /** A person's email addresses and preference; with `schoolId`, only one of that school's. */
  contactOf(personId: string, schoolId?: string): Contact {
    const person = this.repos.roster.person(personId);
    if (!person || (schoolId && person.schoolId !== schoolId))
      throw new NotFoundError(`no person ${personId} in this school`);
    return this.repos.roster.contact(personId);
  }

  /** Changes a person's email addresses or preference (the fields given); returns the result. */
  updateContact(
    personId: string,
    change: Partial<Omit<Contact, 'personId'>>,
    schoolId?: string,
  ): Contact {
    const contact = { ...this.contactOf(personId, schoolId), ...change, personId };
    this.repos.roster.setContact(contact);
    return contact;
  }

  // ---- chat ----------------------------------------------------------------------------------

  /** Stores a chat message (before it is broadcast). */
  storeChat(message: Omit<StoredChat, 'seq'>): StoredChat {
    return this.repos.chat.append(message);
  }

  /** Chat history of a room as `viewerId` may see it, oldest first. */
  chatHistory(room: string, viewerId: string, limit = 50, beforeSeq?: number): StoredChat[] {
    return this.repos.chat.page(room, viewerId, Math.max(1, Math.min(200, limit)), beforeSeq);
  }

  // ---- transcripts ---------------------------------------------------------------------------

  /** Stores a final caption (and each translation) of a lecture. */
  storeCaption(line: TranscriptLine): void {
    this.repos.transcripts.append(line);
  }

  /** A room's transcript in one language, as WebVTT, SRT or text. */
  transcript(room: string, language: string, format: TranscriptFormat): string {
    return formatTranscript(this.repos.transcripts.lines(room, language), format);
  }

  // ---- handouts ------------------------------------------------------------------------------

  /**
   * A teacher adds a handout (PDF or image, the file at `path`) to a class. The type comes from
   * the file's bytes; the file is copied into the content store by its hash (streamed, never
   * whole in memory), then listed. The caller keeps and deletes `path`.
   */
  async addHandout(
    uploaderId: string,
    classId: string,
    filename: string,
    path: string,
  ): Promise<Handout> {
    this.assertModerates(uploaderId, classId);
    const { name, mime, size } = await checkHandoutFile(filename, path);
    const sha256 = await this.#content.putFile(path);
    const handout: Handout = {
      id: randomUUID(),
      classId,
      sha256,
      filename: name,
      mime,
      size,
      uploadedBy: uploaderId,
      createdAt: this.options.now(),
    };
    this.repos.handouts.add(handout);
    this.safeEmit('handoutAdded', handout);
    return handout;
  }

  /**
   * A handout, for a member of its class or an admin of its school; NOT_FOUND for anyone else
   * (another school's people learn nothing, not even that it exists).
   */
  handoutFor(handoutId: string, personId: string): Handout {
    const handout = this.repos.handouts.get(handoutId);
    const person = this.repos.roster.person(personId);
    const cls = handout && this.repos.roster.schoolClass(handout.classId);
    if (!handout || !person || !cls || cls.schoolId !== person.schoolId)
      throw new NotFoundError('no such handout');
    if (person.role !== 'admin' && !this.repos.roster.isMember(cls.id, personId))
      throw new NotFoundError('no such handout');
    return handout;
  }

  /** Opens a handout for a member of its class (counting the download), or refuses. */
  async openHandout(
    handoutId: string,
    personId: string,
  ): Promise<{ handout: Handout; bytes: Buffer }> {
    const handout = this.handoutFor(handoutId, personId);
    const bytes = await this.#content.get(handout.sha256);
    this.repos.handouts.countDownload(handout.id, personId, this.options.now());
    return { handout, bytes };
  }

  /** Downloads per person, for the class's teachers. */
  handoutDownloads(
    handoutId: string,
    askerId: string,
  ): { personId: string; name: string; count: number }[] {
    const handout = this.repos.handouts.get(handoutId);
    if (!handout) throw new NotFoundError('no such handout');
    this.assertModerates(askerId, handout.classId);
    const counts = new Map(
      this.repos.handouts.downloads(handoutId).map((d) => [d.personId, d.count]),
    );
    return this.repos.roster
      .classMembers(handout.classId)
      .filter((p) => p.role === 'student')
      .map((p) => ({ personId: p.id, name: p.name, count: counts.get(p.id) ?? 0 }));
  }

  // ---- recordings ----------------------------------------------------------------------------

  /**
   * Keeps a new recording of `room`: its class, school and lecture from the roster (all '' for a
   * room the roster does not know), status `recording`.
   */
  addRecording(input: NewRecording): RecordingRecord {
    return this.#recordings.add(input);
  }

  /** A recording's record. */
  recording(id: string): RecordingRecord | undefined {
    return this.#recordings.get(id);
  }

  /** Changes a recording's given fields; returns the result (NOT_FOUND when there is none). */
  updateRecording(id: string, patch: Partial<Omit<RecordingRecord, 'id'>>): RecordingRecord {
    return this.#recordings.update(id, patch);
  }

  /** Recordings left recording, stopped or publishing (after a crash). */
  unfinishedRecordings(): RecordingRecord[] {
    return this.#recordings.unfinished();
  }

  /** Recordings due to be purged at `now`. */
  expiredRecordings(now = this.options.now()): RecordingRecord[] {
    return this.#recordings.expired(now);
  }

  /** Forgets a recording's record (its files are the caller's to remove). */
  removeRecording(id: string): void {
    this.#recordings.remove(id);
  }

  /** Every recording, newest first, or a school's. */
  allRecordings(schoolId?: string): RecordingRecord[] {
    return this.#recordings.all(schoolId);
  }

  /** The recordings a join token's holder may list: their class's (or their unknown room's). */
  recordingsFor(viewer: RecordingViewer): RecordingRecord[] {
    return this.#recordings.listFor(viewer);
  }

  /** A recording the viewer may watch; NOT_FOUND or PERMISSION_DENIED otherwise. */
  watchableRecording(id: string, viewer: RecordingViewer): RecordingRecord {
    return this.#recordings.watchable(id, viewer);
  }

  /**
   * A recording whose settings the viewer may change (or which they may delete): a teacher or
   * assistant of its class, an admin of its school, or for a room the roster does not know, a
   * moderator's token for that room. PERMISSION_DENIED (or NOT_FOUND) otherwise.
   */
  assertModeratesRecording(id: string, viewer: RecordingViewer): RecordingRecord {
    return this.#recordings.assertModerates(id, viewer);
  }

  // ---- boards --------------------------------------------------------------------------------

  /** A classroom board's latest snapshot and the changes after it (what a restart applies). */
  boardLoad(room: string): {
    snapshot: Uint8Array | undefined;
    snapshotSeq: number;
    updates: BoardUpdateRecord[];
  } {
    return this.#boards.load(room);
  }

  /**
   * Appends a change to a room's board; resolves with its seq (1, 2, … per room) once it is on
   * disk. Changes that arrive together are committed together, in one transaction.
   */
  boardAppend(
    room: string,
    update: Uint8Array,
    identity: string,
    at = this.options.now(),
  ): Promise<number> {
    if (this.#closed)
      return Promise.reject(new CosmoError(ErrorCode.CLOSED, 'the school is closed'));
    return this.#boards.append(room, update, identity, at);
  }

  /**
   * Keeps a snapshot of a room's board as of change `uptoSeq`, replacing an older one (one older
   * than the snapshot kept is ignored).
   */
  boardSnapshot(room: string, snapshot: Uint8Array, uptoSeq: number): void {
    this.#boards.saveSnapshot(room, snapshot, uptoSeq);
  }

  /** A board's changes from `fromAt` to `toAt` (Unix ms, inclusive), in order, for a replay. */
  boardHistory(room: string, fromAt: number, toAt: number): BoardUpdateRecord[] {
    return this.#boards.history(room, fromAt, toAt);
  }

  /** Drops a board's changes older than `before` that its snapshot holds; returns how many. */
  boardPrune(room: string, before: number): number {
    return this.#boards.prune(room, before);
  }

  /** Forgets a room's board, snapshot and changes. */
  boardClear(room: string): void {
    this.#boards.clear(room);
  }

  /** Before a planned shutdown: lets the notice sends in progress finish and be recorded. */
  async drainDeliveries(timeoutMs?: number): Promise<void> {
    await this.#ladder?.drain(timeoutMs);
  }

  /** Closes the database. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#receipts.flush();
    this.#boards.flush();
    this.#closed = true;
    clearInterval(this.#reminderTimer);
    this.#ladder?.close();
    this.#db?.close();
    this.removeAllListeners();
  }

  /**
   * Refuses (NOT_AUTHORIZED) a person of one school joining a class of another school: a join
   * token names both, and only the roster knows whose they are. Identities the roster does not
   * know (tokens the operator mints for guests) are not the roster's to refuse.
   */
  assertMayJoin(classId: string, personId: string): void {
    const cls = this.repos.roster.schoolClass(classId);
    const person = this.repos.roster.person(personId);
    if (cls && person && cls.schoolId !== person.schoolId) {
      throw new CosmoError(
        ErrorCode.NOT_AUTHORIZED,
        'this token is for a class of another school than its person',
      );
    }
  }

  /** Whether `personId` is on the roster of the school that `classId` belongs to. */
  inSameSchool(personId: string, classId: string): boolean {
    const person = this.repos.roster.person(personId);
    const cls = this.repos.roster.schoolClass(classId);
    return !!person && !!cls && person.schoolId === cls.schoolId;
  }

  /** Refuses unless `personId` teaches `classId` (or administers its school). */
  assertModerates(personId: string, classId: string): void {
    const person = this.person(personId);
    const cls = this.repos.roster.schoolClass(classId);
    if (!cls || cls.schoolId !== person.schoolId) throw new NotFoundError(`no class ${classId}`);
    if (person.role === 'admin') return;
    if (!isModerator(person.role) || !this.repos.roster.isMember(classId, personId)) {
      throw new PermissionError(`${person.name} does not teach ${cls.name}`);
    }
  }
}
