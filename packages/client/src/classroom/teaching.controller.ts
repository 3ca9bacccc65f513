import type { ReactiveController } from 'lit';
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { CosmoClient } from '../CosmoClient.js';
import type { PollKind, PollQuestion, PreparedPollInfo } from '../Polls.js';
import type { Reaction, ReactionCounts } from '../Reactions.js';
import type { ClassroomController, ClassroomHost } from './classroom.controller.js';
import { playKnock } from './chime.js';
import { addBubbles, pruneBubbles, type Bubble } from './reactions.js';

/** The question a moderator is writing in the polls tab. */
export interface PollDraft {
  question: string;
  kind: PollKind;
  /** One box per option (choice polls). */
  options: string[];
  anonymous: boolean;
  /** A quiz: `correct` marks the right options, `accepted` the right text answers. */
  quiz: boolean;
  correct: number[];
  /** Accepted text answers, one per line. */
  accepted: string;
}

/** A new draft: a single-choice poll with two empty options. */
export const EMPTY_POLL: PollDraft = {
  question: '',
  kind: 'single',
  options: ['', ''],
  anonymous: false,
  quiz: false,
  correct: [],
  accepted: '',
};

/** The question a draft describes (a poll unless `quiz`). */
export function draftQuestion(draft: PollDraft): PollQuestion {
  const text = draft.kind === 'text';
  return {
    question: draft.question.trim(),
    kind: draft.kind,
    options: text ? [] : draft.options.map((o) => o.trim()),
    anonymous: draft.anonymous,
    correct: draft.quiz && !text ? [...draft.correct].sort((a, b) => a - b) : [],
    accepted:
      draft.quiz && text
        ? draft.accepted
            .split('\n')
            .map((a) => a.trim())
            .filter(Boolean)
        : [],
  };
}

/** The draft that shows a prepared question (to launch as it is, or edit first). */
export function questionDraft(q: PollQuestion): PollDraft {
  return {
    question: q.question,
    kind: q.kind,
    options: q.kind === 'text' ? ['', ''] : [...q.options],
    anonymous: q.anonymous,
    quiz: q.correct.length > 0 || q.accepted.length > 0,
    correct: [...q.correct],
    accepted: q.accepted.join('\n'),
  };
}

/** How long the reaction buttons rest after the server said RATE_LIMITED. */
export const REACTION_COOLDOWN_MS = 3000;

/** Whether the teacher hears a knock when someone arrives in the waiting room (per browser). */
const KNOCK_KEY = 'cosmo-classroom:knock-muted';

/**
 * The element's teaching tools beside the classroom: the polls tab's draft and prepared list,
 * the reactions floating over the stage, and the waiting room's knock. Follows each client the
 * classroom controller connects.
 */
export class TeachingController implements ReactiveController {
  readonly #host: ClassroomHost;
  readonly #room: ClassroomController;
  /** The moderator's question being written. */
  draft: PollDraft = EMPTY_POLL;
  /** The prepared question the draft came from (saving replaces it). */
  draftPreparedId = '';
  prepared: PreparedPollInfo[] = [];
  /** Reactions floating over the stage now. */
  bubbles: Bubble[] = [];
  /** Until when (ms) the reaction buttons rest after RATE_LIMITED. */
  reactionsRestUntil = 0;
  /** Students: a poll started that they have not looked at yet. */
  unseenPoll = '';
  /** Whether the teacher muted the waiting room's knock. */
  knockMuted = readFlag(KNOCK_KEY);
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(host: ClassroomHost, room: ClassroomController) {
    this.#host = host;
    this.#room = room;
    host.addController(this);
    room.onClient((client) => this.#follow(client));
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.bubbles = [];
  }

  /** Changes the draft (the form re-renders when its shape changes: kind, options, quiz). */
  editDraft(draft: PollDraft, preparedId = this.draftPreparedId): void {
    this.draft = draft;
    this.draftPreparedId = preparedId;
    this.#host.requestUpdate();
  }

  /** Moderators: launches the draft (or a prepared question as it is). */
  async launch(preparedId?: string): Promise<void> {
    await this.#room.run(async (c) => {
      await c.startPoll(preparedId ? { preparedId } : draftQuestion(this.draft));
      if (!preparedId) this.editDraft(EMPTY_POLL, '');
    });
  }

  /** Moderators: keeps the draft in the class's prepared list. */
  async saveDraft(): Promise<void> {
    await this.#room.run(async (c) => {
      this.prepared = await c.savePreparedPoll(draftQuestion(this.draft), this.draftPreparedId);
    });
  }

  async removePrepared(id: string): Promise<void> {
    await this.#room.run(async (c) => {
      this.prepared = await c.removePreparedPoll(id);
      if (this.draftPreparedId === id) this.draftPreparedId = '';
    });
  }

  /** Moderators: loads the class's prepared questions (when the polls tab opens). */
  async loadPrepared(): Promise<void> {
    const client = this.#room.client;
    if (!client || !this.#room.moderator || !this.#room.classroom?.classId) return;
    try {
      this.prepared = await client.preparedPolls();
    } catch {
      // A server or class without prepared polls: the list stays empty, writing still works.
      this.prepared = [];
    }
    this.#host.requestUpdate();
  }

  /** Sends a reaction; a RATE_LIMITED answer rests the buttons for a moment, with no toast. */
  async react(emoji: Reaction): Promise<void> {
    const client = this.#room.client;
    if (!client || Date.now() < this.reactionsRestUntil) return;
    try {
      await client.react(emoji);
    } catch (err) {
      if (err instanceof CosmoError && err.code === ErrorCode.RATE_LIMITED) {
        this.reactionsRestUntil = Date.now() + REACTION_COOLDOWN_MS;
        this.#later(REACTION_COOLDOWN_MS, () => this.#host.requestUpdate());
        this.#host.requestUpdate();
      } else await this.#room.run(() => Promise.reject(err));
    }
  }

  /** Whether the reaction buttons rest now. */
  get reactionsResting(): boolean {
    return Date.now() < this.reactionsRestUntil;
  }

  setKnockMuted(muted: boolean): void {
    this.knockMuted = muted;
    try {
      globalThis.localStorage?.setItem(KNOCK_KEY, muted ? '1' : '');
    } catch {
      // Storage may be off (private mode): the choice lasts for this page.
    }
    this.#host.requestUpdate();
  }

  #follow(client: CosmoClient): void {
    this.bubbles = [];
    this.unseenPoll = '';
    const update = () => this.#host.requestUpdate();
    for (const event of ['pollClosed', 'pollResults', 'quizScore', 'admitted', 'joined'] as const)
      client.on(event, update);
    client.on('waiting', () => {
      this.#host.emit('cosmo-waiting', {});
      update();
    });
    client.on('pollStarted', (poll) => {
      if (!this.#room.moderator) this.unseenPoll = poll.id;
      this.#host.emit('cosmo-poll-started', { poll });
      update();
    });
    client.on('reactions', (counts) => this.#float(counts));
    let known = new Set((client.waitingRoom?.waiting ?? []).map((w) => w.identity));
    client.on('joined', () => {
      known = new Set((client.waitingRoom?.waiting ?? []).map((w) => w.identity));
    });
    client.on('waitingRoom', (room) => {
      const arrived = room.waiting.some((w) => !known.has(w.identity));
      known = new Set(room.waiting.map((w) => w.identity));
      if (arrived && !this.knockMuted) playKnock();
      update();
    });
  }

  #float(counts: ReactionCounts): void {
    const now = Date.now();
    this.bubbles = addBubbles(pruneBubbles(this.bubbles, now), counts, now);
    const last = Math.max(...this.bubbles.map((b) => b.until), now);
    this.#later(last - now + 50, () => {
      this.bubbles = pruneBubbles(this.bubbles, Date.now());
      this.#host.requestUpdate();
    });
    this.#host.requestUpdate();
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }
}

function readFlag(key: string): boolean {
  try {
    return Boolean(globalThis.localStorage?.getItem(key));
  } catch {
    return false;
  }
}
