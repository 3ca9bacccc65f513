import { randomUUID } from 'node:crypto';
import {
  CosmoError,
  ErrorCode,
  NotFoundError,
  SharedServerEvent,
  isModerator,
  type cosmo,
} from '@cosmo/core';
import {
  isCorrectAnswer,
  type PollAnswerRecord,
  type PollQuestionRecord,
  type PollRecord,
  type PollRepository,
} from '@cosmo/school';
import { isRemote } from '../cluster/RemoteParticipant.js';
import type { Participant } from '../Participant.js';
import { isAllowed, type Action } from '../permissions.js';
import { checkPollAnswer, checkPollQuestion, pollQuestionToProto } from './pollQuestions.js';

/** Moderators (and students, when shown) hear a poll's totals at most this often under a storm. */
export const POLL_RESULTS_INTERVAL_MS = 250;
/** Polls a lecture may have, and prepared questions a class may keep. */
export const MAX_POLLS_PER_ROOM = 100;
export const MAX_PREPARED_POLLS = 100;

/** What the polls need from their classroom. */
export interface PollsHost {
  readonly room: string;
  readonly classId: string;
  readonly closed: boolean;
  readonly participants: ReadonlyMap<string, Participant>;
  authorize(p: Participant, action: Action): void;
}

/** Where a classroom's polls are kept. */
export interface PollStores {
  /** The room's polls and answers: the school's records for a lecture, else memory. */
  polls: PollRepository;
  /** The class's prepared questions (keyed by the class, or the room when it has none). */
  prepared: PollRepository;
  now?: () => number;
}

/** A poll as the classroom holds it while it may still be asked about. */
interface LivePoll {
  record: PollRecord;
  quiz: boolean;
  /** Named polls: each person's answer. */
  answers: Map<string, PollAnswerRecord>;
  /** Anonymous polls: who answered, and totals that name nobody (texts sorted, not in order). */
  voters: Set<string>;
  counts: number[];
  texts: { text: string; count: number }[];
  timer: ReturnType<typeof setTimeout> | undefined;
  lastSentAt: number;
}

/**
 * A classroom's polls and quizzes. Moderators start, close and show them; students (and
 * moderators) answer once per poll: a second answer to a named poll replaces the first while it
 * is open, and an anonymous poll refuses it (the server does not know which answer was theirs).
 * Moderators hear the totals live, coalesced per poll; students once a moderator shows them.
 * Students never see a quiz's answers before it closes, and each gets their own score then.
 */
export class ClassroomPolls {
  readonly #host: PollsHost;
  readonly #stores: PollStores;
  readonly #now: () => number;
  readonly #polls = new Map<string, LivePoll>();
  #closed = false;

  constructor(host: PollsHost, stores: PollStores) {
    this.#host = host;
    this.#stores = stores;
    this.#now = stores.now ?? Date.now;
    // A lecture's polls outlive its classroom (a restart, everyone leaving and coming back).
    for (const record of stores.polls.forRoom(host.room))
      this.#polls.set(record.id, this.#load(record));
  }

  /** Whether the polls were closed (with their classroom). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Starts a poll, from a question or one of the class's prepared ones, and tells everyone.
   * PERMISSION_DENIED (not a moderator), INVALID_ARGUMENT (a question breaking a rule), NOT_FOUND
   * (no such prepared question). Returns the poll as moderators see it.
   */
  start(
    p: Participant,
    question: cosmo.v1.PollQuestion.$Properties | null | undefined,
    preparedId: string,
  ): cosmo.v1.Poll.$Properties {
    this.#host.authorize(p, 'runPolls');
    this.#assertOpen();
    let q: PollQuestionRecord;
    if (preparedId) {
      const prepared = this.#stores.prepared
        .prepared(this.#classKey)
        .find((x) => x.id === preparedId);
      if (!prepared) throw new NotFoundError('no such prepared question in this class');
      q = prepared.question;
    } else {
      q = checkPollQuestion(question);
    }
    if (this.#polls.size >= MAX_POLLS_PER_ROOM)
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        `a lecture has at most ${MAX_POLLS_PER_ROOM} polls`,
        { reason: 'TOO_MANY_POLLS', params: { max: String(MAX_POLLS_PER_ROOM) } },
      );
    const record: PollRecord = {
      id: randomUUID(),
      room: this.#host.room,
      question: q,
      startedAt: this.#now(),
      closedAt: null,
      resultsShown: false,
    };
    this.#stores.polls.create(record);
    const live = this.#load(record);
    this.#polls.set(record.id, live);
    this.#tellPoll(live, 'pollStarted');
    this.#sendResults(live);
    return this.#pollProto(live, true);
  }

  /**
   * Records `p`'s answer. PERMISSION_DENIED (observers), NOT_FOUND (no such poll here),
   * INVALID_STATE (closed; or a second answer to an anonymous poll), INVALID_ARGUMENT (an answer
   * that does not fit the poll). A second answer to a named poll replaces the first. Returns
   * whether it replaced one.
   */
  vote(p: Participant, pollId: string, choices: readonly number[], text: string): boolean {
    this.#host.authorize(p, 'vote');
    const live = this.#poll(pollId);
    if (live.record.closedAt !== null)
      throw new CosmoError(ErrorCode.INVALID_STATE, 'this poll is closed', {
        reason: 'POLL_CLOSED',
      });
    const answer = checkPollAnswer(live.record.question, choices, text);
    let replaced = false;
    if (live.record.question.anonymous) {
      const again = new CosmoError(
        ErrorCode.INVALID_STATE,
        'you answered this anonymous poll already; its answers cannot be changed',
        { reason: 'ALREADY_ANSWERED' },
      );
      if (live.voters.has(p.identity)) throw again;
      if (
        !this.#stores.polls.countAnonymous(live.record.id, p.identity, answer.choices, answer.text)
      )
        throw again;
      live.voters.add(p.identity);
      for (const i of answer.choices) live.counts[i] = (live.counts[i] ?? 0) + 1;
      if (answer.text) addText(live.texts, answer.text, 1);
    } else {
      const record: PollAnswerRecord = {
        pollId: live.record.id,
        personId: p.identity,
        name: p.name,
        choices: answer.choices,
        text: answer.text,
        answeredAt: this.#now(),
      };
      this.#stores.polls.saveAnswer(record);
      replaced = live.answers.has(p.identity);
      live.answers.set(p.identity, record);
    }
    this.#resultsChanged(live);
    return replaced;
  }

  /**
   * Closes a poll: everyone gets it with its answers, moderators (and students, when shown) its
   * final totals, and each student of a quiz their own score. PERMISSION_DENIED, NOT_FOUND; a
   * poll closed already is returned as it is.
   */
  closePoll(p: Participant, pollId: string): cosmo.v1.Poll.$Properties {
    this.#host.authorize(p, 'runPolls');
    const live = this.#poll(pollId);
    if (live.record.closedAt !== null) return this.#pollProto(live, true);
    const at = this.#now();
    this.#stores.polls.setClosed(live.record.id, at);
    live.record.closedAt = at;
    clearTimeout(live.timer);
    live.timer = undefined;
    this.#tellPoll(live, 'pollClosed');
    this.#sendResults(live);
    if (live.quiz) this.#sendScores(live);
    return this.#pollProto(live, true);
  }

  /**
   * Shows a poll's totals to the students, or hides them again; everyone gets the poll as it now
   * is (`pollStarted` while open, `pollClosed` once closed: the same id, to update in place).
   */
  show(p: Participant, pollId: string, shown: boolean): cosmo.v1.Poll.$Properties {
    this.#host.authorize(p, 'runPolls');
    const live = this.#poll(pollId);
    if (live.record.resultsShown !== shown) {
      this.#stores.polls.setResultsShown(live.record.id, shown);
      live.record.resultsShown = shown;
      this.#tellPoll(live, live.record.closedAt === null ? 'pollStarted' : 'pollClosed');
      if (shown) this.#sendResults(live);
    }
    return this.#pollProto(live, true);
  }

  /** What a joining participant is told: the polls (open first, then newest) and totals it sees. */
  joinView(p: Participant): {
    polls: cosmo.v1.Poll.$Properties[];
    pollResults: cosmo.v1.PollResults.$Properties[];
  } {
    const moderator = isModerator(p.role);
    const polls = [...this.#polls.values()].sort(
      (a, b) =>
        Number(a.record.closedAt !== null) - Number(b.record.closedAt !== null) ||
        b.record.startedAt - a.record.startedAt,
    );
    return {
      polls: polls.map((live) => this.#pollProto(live, moderator)),
      pollResults: polls
        .filter((live) => moderator || live.record.resultsShown)
        .map((live) => this.#resultsProto(live, moderator)),
    };
  }

  /** The class's prepared questions. PERMISSION_DENIED (not a moderator). */
  preparedPolls(p: Participant): cosmo.v1.PreparedPoll.$Properties[] {
    this.#host.authorize(p, 'runPolls');
    return this.#stores.prepared.prepared(this.#classKey).map((x) => ({
      id: x.id,
      question: pollQuestionToProto(x.question, true),
    }));
  }

  /**
   * Keeps a question in the class's prepared list (with `id`: replaces it; with `remove`:
   * deletes it); returns the list. PERMISSION_DENIED, INVALID_ARGUMENT, NOT_FOUND (no such id).
   */
  savePrepared(
    p: Participant,
    id: string,
    question: cosmo.v1.PollQuestion.$Properties | null | undefined,
    remove: boolean,
  ): cosmo.v1.PreparedPoll.$Properties[] {
    this.#host.authorize(p, 'runPolls');
    const store = this.#stores.prepared;
    const existing = store.prepared(this.#classKey);
    if (id && !existing.some((x) => x.id === id))
      throw new NotFoundError('no such prepared question in this class');
    if (remove) {
      if (!id) throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'which question to remove?');
      store.removePrepared(this.#classKey, id);
    } else {
      const q = checkPollQuestion(question);
      if (!id && existing.length >= MAX_PREPARED_POLLS)
        throw new CosmoError(
          ErrorCode.INVALID_STATE,
          `a class keeps at most ${MAX_PREPARED_POLLS} prepared questions`,
          { reason: 'TOO_MANY_PREPARED', params: { max: String(MAX_PREPARED_POLLS) } },
        );
      store.savePrepared({
        id: id || randomUUID(),
        classId: this.#classKey,
        question: q,
        updatedAt: this.#now(),
      });
    }
    return this.preparedPolls(p);
  }

  /** Stops every pending totals update; the polls stay in their records. No-op when closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const live of this.#polls.values()) {
      clearTimeout(live.timer);
      live.timer = undefined;
    }
    this.#polls.clear();
  }

  get #classKey(): string {
    return this.#host.classId || this.#host.room;
  }

  #assertOpen(): void {
    if (this.#closed || this.#host.closed)
      throw new CosmoError(ErrorCode.INVALID_STATE, 'the class has ended');
  }

  #poll(pollId: string): LivePoll {
    const live = pollId ? this.#polls.get(pollId) : undefined;
    if (!live) throw new NotFoundError('no such poll in this classroom');
    return live;
  }

  #load(record: PollRecord): LivePoll {
    const q = record.question;
    const live: LivePoll = {
      record,
      quiz: q.correct.length > 0 || q.accepted.length > 0,
      answers: new Map(),
      voters: new Set(),
      counts: q.options.map(() => 0),
      texts: [],
      timer: undefined,
      lastSentAt: 0,
    };
    const store = this.#stores.polls;
    if (q.anonymous) {
      const totals = store.anonymousTotals(record.id);
      live.voters = new Set(totals.voters);
      for (const [i, n] of totals.counts) if (i < live.counts.length) live.counts[i] = n;
      for (const t of totals.texts) addText(live.texts, t.text, t.count);
    } else {
      for (const a of store.answers(record.id)) live.answers.set(a.personId, a);
    }
    return live;
  }

  /** A vote came in: the totals go out now, or when the interval since the last ones is over. */
  #resultsChanged(live: LivePoll): void {
    if (live.timer) return;
    const wait = Math.max(0, live.lastSentAt + POLL_RESULTS_INTERVAL_MS - this.#now());
    live.timer = setTimeout(() => {
      live.timer = undefined;
      if (!this.#closed && !this.#host.closed) this.#sendResults(live);
    }, wait);
  }

  /** The totals to the moderators, and to the students when shown. */
  #sendResults(live: LivePoll): void {
    live.lastSentAt = this.#now();
    const full = new SharedServerEvent({ pollResults: this.#resultsProto(live, true) });
    const shown = live.record.resultsShown
      ? new SharedServerEvent({ pollResults: this.#resultsProto(live, false) })
      : undefined;
    for (const p of this.#local()) {
      if (isModerator(p.role)) p.send(full);
      else if (shown) p.send(shown);
    }
  }

  /** Everyone gets the poll as their role sees it. */
  #tellPoll(live: LivePoll, kind: 'pollStarted' | 'pollClosed'): void {
    const full = new SharedServerEvent({ [kind]: { poll: this.#pollProto(live, true) } });
    const student = new SharedServerEvent({ [kind]: { poll: this.#pollProto(live, false) } });
    for (const p of this.#local()) p.send(isModerator(p.role) ? full : student);
  }

  /** Each student present who could answer a quiz gets their own result, and their score so far. */
  #sendScores(live: LivePoll): void {
    const quizzes = [...this.#polls.values()].filter((x) => x.quiz && x.record.closedAt !== null);
    for (const p of this.#local()) {
      if (!this.#eligible(p)) continue;
      const own = live.answers.get(p.identity);
      const score = quizzes.filter((x) => {
        const a = x.answers.get(p.identity);
        return a && isCorrectAnswer(x.record, a.choices, a.text);
      }).length;
      p.send({
        quizScore: {
          pollId: live.record.id,
          answered: own !== undefined,
          correct: own !== undefined && isCorrectAnswer(live.record, own.choices, own.text),
          score,
          quizzes: quizzes.length,
        },
      });
    }
  }

  /** Who can answer: everyone present who may vote, but moderators. */
  #eligible(p: Participant): boolean {
    return !isModerator(p.role) && isAllowed(p.role, p.permissions, 'vote');
  }

  *#local(): Iterable<Participant> {
    for (const p of this.#host.participants.values()) if (!isRemote(p)) yield p;
  }

  #pollProto(live: LivePoll, moderator: boolean): cosmo.v1.Poll.$Properties {
    const { record } = live;
    const closed = record.closedAt !== null;
    return {
      id: record.id,
      question: pollQuestionToProto(record.question, moderator || closed),
      open: !closed,
      resultsShown: record.resultsShown,
      startedAt: record.startedAt,
      closedAt: record.closedAt ?? 0,
      quiz: live.quiz,
    };
  }

  #resultsProto(live: LivePoll, moderator: boolean): cosmo.v1.PollResults.$Properties {
    const q = live.record.question;
    const answered = q.anonymous ? live.voters : new Set(live.answers.keys());
    const eligible = new Set(answered);
    for (const p of this.#host.participants.values())
      if (this.#eligible(p)) eligible.add(p.identity);
    let counts: number[];
    let texts: string[];
    if (q.anonymous) {
      counts = [...live.counts];
      texts = live.texts.flatMap((t) => Array<string>(t.count).fill(t.text));
    } else {
      counts = q.options.map(() => 0);
      for (const a of live.answers.values())
        for (const i of a.choices) counts[i] = (counts[i] ?? 0) + 1;
      texts = [...live.answers.values()]
        .map((a) => a.text)
        .filter(Boolean)
        .sort();
    }
    return {
      pollId: live.record.id,
      answered: answered.size,
      eligible: eligible.size,
      counts,
      texts,
      votes:
        moderator && !q.anonymous
          ? [...live.answers.values()].map((a) => ({
              identity: a.personId,
              name: a.name,
              choices: a.choices,
              text: a.text,
            }))
          : [],
    };
  }
}

/** Adds to a sorted list of distinct texts and their counts (sorted: no order of arrival). */
function addText(texts: { text: string; count: number }[], text: string, count: number): void {
  let lo = 0;
  let hi = texts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (texts[mid]!.text < text) lo = mid + 1;
    else hi = mid;
  }
  if (texts[lo]?.text === text) texts[lo]!.count += count;
  else texts.splice(lo, 0, { text, count });
}
