import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  BOARD_LIMITS,
  BOARD_MESSAGE_AWARENESS,
  BOARD_MESSAGE_SYNC,
  BOARD_META,
  BOARD_PAGES,
  BOARD_PAGE_PREFIX,
  CosmoError,
  ErrorCode,
  boardLockKey,
  isModerator,
} from '@cosmo/core';
import type { BoardUpdateRecord } from '@cosmo/school';
import type { Classroom } from '../Classroom.js';
import type { Participant } from '../Participant.js';
import { isAllowed, refusal } from '../permissions.js';
import { TokenBucket } from '../TokenBucket.js';
import { PAGE_ID, metaProblem, parseShape } from './boardShapes.js';
import { inspectUpdate, UnreadableUpdate, type Deletion, type Insertion } from './inspectUpdate.js';

/** Where boards are kept (the school's records). */
export interface BoardStore {
  load(room: string): {
    snapshot: Uint8Array | undefined;
    snapshotSeq: number;
    updates: BoardUpdateRecord[];
  };
  /** Resolves with the change's sequence number once it is on disk. */
  append(room: string, update: Uint8Array, identity: string, at: number): Promise<number>;
  saveSnapshot(room: string, snapshot: Uint8Array, uptoSeq: number): void;
}

/** Limits of one board. */
export interface BoardLimits {
  /** The largest message (bytes). */
  messageBytes: number;
  /** What a student may add in all (bytes of accepted changes); moderators: 16 times that. */
  studentBytes: number;
  /** Changes per second per participant (burst twice that). */
  changesPerSecond: number;
  /** Cursor moves per second per participant (more are dropped, silently). */
  cursorsPerSecond: number;
  /** A snapshot after this many changes. */
  snapshotEvery: number;
}

export const DEFAULT_BOARD_LIMITS: BoardLimits = {
  messageBytes: 64 * 1024,
  studentBytes: 2 * 1024 * 1024,
  changesPerSecond: 30,
  cursorsPerSecond: 15,
  snapshotEvery: 200,
};

const refuse = (
  code: ErrorCode,
  reason: string,
  message: string,
  params?: Record<string, string>,
) => new CosmoError(code, message, { reason, ...(params && { params }) });

interface Writer {
  changes: TokenBucket;
  cursors: TokenBucket;
  /** Sync step 1 answers cost the whole board's encoding: few a second. */
  syncs: TokenBucket;
  bytes: number;
}

/**
 * A classroom's board: the Yjs document everyone draws on. Reads are free (a sync step 1 gets
 * what the asker lacks, in one message); every change is read before it is applied
 * (`inspectUpdate`) and refused whole, changing nothing, when any part breaks the rules: students
 * need the `draw` right, add only well-formed shapes that name themselves as author, erase only
 * their own, leave locked pages, the page list and the settings alone; each Yjs client id belongs
 * to one person; sizes and rates are bounded. Accepted changes are appended to the school's store
 * (durable before the sender hears OK) and sent to everyone else; cursors are relayed, never kept.
 */
export class ClassroomBoard {
  readonly doc = new Y.Doc({ gc: true });
  readonly #classroom: Classroom;
  readonly #store: BoardStore | undefined;
  readonly #limits: BoardLimits;
  readonly #logger: Logger;
  /** Which person each Yjs client id belongs to. */
  readonly #clients = new Map<number, string>();
  readonly #writers = new Map<string, Writer>();
  #seq = 0;
  #sinceSnapshot = 0;
  #closed = false;

  constructor(
    classroom: Classroom,
    options: { store: BoardStore | undefined; limits?: Partial<BoardLimits>; logger: Logger },
  ) {
    this.#classroom = classroom;
    this.#store = options.store;
    this.#limits = { ...DEFAULT_BOARD_LIMITS, ...options.limits };
    this.#logger = options.logger;
    this.#load();
  }

  /**
   * Handles one board message from `p`; resolves with the messages for `p` (a sync reply), or
   * none, once a change is stored. Throws a CosmoError (nothing changed) when it is refused.
   */
  async receive(p: Participant, message: Uint8Array): Promise<Uint8Array[]> {
    if (message.length > this.#limits.messageBytes)
      throw refuse(
        ErrorCode.INVALID_ARGUMENT,
        'BOARD_MESSAGE_TOO_LARGE',
        `a board message may have at most ${this.#limits.messageBytes} bytes`,
        { max: String(this.#limits.messageBytes) },
      );
    let type: number;
    let decoder: decoding.Decoder;
    try {
      decoder = decoding.createDecoder(message);
      type = decoding.readVarUint(decoder);
    } catch {
      throw malformed('an empty board message');
    }
    if (type === BOARD_MESSAGE_AWARENESS) {
      this.#cursor(p, message);
      return [];
    }
    if (type !== BOARD_MESSAGE_SYNC) throw malformed(`unknown board message type ${type}`);
    let kind: number;
    let payload: Uint8Array;
    try {
      kind = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      throw malformed('a truncated board message');
    }
    if (kind === sync.messageYjsSyncStep1) {
      if (!this.#writer(p).syncs.take())
        throw refuse(
          ErrorCode.RATE_LIMITED,
          'BOARD_TOO_FAST',
          'the board was just sent to you; sync again in a moment',
        );
      return this.#answerStep1(payload);
    }
    if (kind === sync.messageYjsSyncStep2 || kind === sync.messageYjsUpdate) {
      // A copy: the frame's bytes are the socket's, reused once this turn ends, and the change is
      // stored and relayed later.
      await this.#change(p, payload.slice());
      return [];
    }
    throw malformed(`unknown sync message type ${kind}`);
  }

  /** What is stored: the changes so far (tests). */
  get seqForTesting(): number {
    return this.#seq;
  }

  /** Stores a snapshot (the document so far), when there were changes since the last one. */
  snapshot(): void {
    if (!this.#store || this.#sinceSnapshot === 0 || this.#closed) return;
    try {
      this.#store.saveSnapshot(this.#classroom.room, Y.encodeStateAsUpdate(this.doc), this.#seq);
      this.#sinceSnapshot = 0;
    } catch (err) {
      this.#logger.error({ err, room: this.#classroom.room }, 'cannot store a board snapshot');
    }
  }

  close(): void {
    if (this.#closed) return;
    this.snapshot();
    this.#closed = true;
    this.doc.destroy();
  }

  #answerStep1(stateVector: Uint8Array): Uint8Array[] {
    const step2 = encoding.createEncoder();
    encoding.writeVarUint(step2, BOARD_MESSAGE_SYNC);
    try {
      sync.writeSyncStep2(step2, this.doc, stateVector.length ? stateVector : undefined);
    } catch {
      throw malformed('not a state vector');
    }
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, BOARD_MESSAGE_SYNC);
    sync.writeSyncStep1(step1, this.doc);
    return [encoding.toUint8Array(step2), encoding.toUint8Array(step1)];
  }

  /**
   * Checks a change against the rules and applies it at once (the next change is checked against
   * it); then stores it, and relays it once stored, so nobody sees a change a crash could lose.
   */
  async #change(p: Participant, update: Uint8Array): Promise<void> {
    const moderator = isModerator(p.role);
    const writer = this.#writer(p);
    if (!writer.changes.take())
      throw refuse(ErrorCode.RATE_LIMITED, 'BOARD_TOO_FAST', 'too many board changes; slow down');
    let seen: { insertions: Insertion[]; deletions: Deletion[] };
    try {
      seen = inspectUpdate(this.doc, update);
    } catch (err) {
      if (err instanceof UnreadableUpdate)
        throw refuse(
          ErrorCode.INVALID_ARGUMENT,
          err.outOfSync ? 'BOARD_OUT_OF_SYNC' : 'BOARD_MALFORMED',
          err.outOfSync
            ? `${err.message}: sync the board again`
            : `a malformed board change: ${err.message}`,
        );
      throw err;
    }
    // Nothing new (a sync step 2 from someone who has nothing the board lacks): nothing to check.
    if (seen.insertions.length === 0 && seen.deletions.length === 0) return;
    if (!isAllowed(p.role, p.permissions, 'draw'))
      throw refuse(ErrorCode.PERMISSION_DENIED, 'BOARD_NOT_ALLOWED', refusal(p.role, 'draw'));
    const budget = moderator ? this.#limits.studentBytes * 16 : this.#limits.studentBytes;
    if (writer.bytes + update.length > budget)
      throw refuse(
        ErrorCode.INVALID_STATE,
        'BOARD_FULL',
        `you have drawn as much as the board takes from one person (${Math.round(budget / 1024)} KiB)`,
        { max: String(budget) },
      );
    const claimed = new Map<number, string>();
    for (const ins of seen.insertions) {
      const owner = this.#clients.get(ins.client) ?? claimed.get(ins.client);
      if (owner !== undefined && owner !== p.identity)
        throw refuse(
          ErrorCode.PERMISSION_DENIED,
          'BOARD_CLIENT_TAKEN',
          'that board client belongs to someone else',
        );
      claimed.set(ins.client, p.identity);
      this.#checkInsertion(p, moderator, ins);
    }
    for (const del of seen.deletions) this.#checkDeletion(p, moderator, del);
    this.#checkPageCounts(seen.insertions);

    Y.applyUpdate(this.doc, update, p);
    for (const [client, identity] of claimed) this.#clients.set(client, identity);
    writer.bytes += update.length;
    if (this.#store) {
      this.#seq = Math.max(
        this.#seq,
        await this.#store.append(this.#classroom.room, update, p.identity, Date.now()),
      );
      if (++this.#sinceSnapshot >= this.#limits.snapshotEvery) this.snapshot();
    }
    if (this.#closed) return;
    const relay = encoding.createEncoder();
    encoding.writeVarUint(relay, BOARD_MESSAGE_SYNC);
    sync.writeUpdate(relay, update);
    this.#classroom.broadcast(
      { boardEvent: { message: encoding.toUint8Array(relay), participantId: p.id } },
      p,
    );
  }

  #checkInsertion(p: Participant, moderator: boolean, ins: Insertion): void {
    if (ins.root === BOARD_PAGES || ins.root === BOARD_META) {
      if (!moderator)
        throw refuse(
          ErrorCode.PERMISSION_DENIED,
          'BOARD_MODERATORS_ONLY',
          'only teachers change pages and board settings',
        );
      if (ins.values === null) throw malformed('pages and settings are plain values');
      if ((ins.root === BOARD_META) !== (ins.key !== null))
        throw malformed('pages are a list, settings a map');
      for (const v of ins.values) {
        const problem =
          ins.root === BOARD_META
            ? metaProblem(ins.key!, v)
            : typeof v === 'string' && PAGE_ID.test(v)
              ? undefined
              : 'a page is named by a page id';
        if (problem) throw malformed(problem);
      }
      return;
    }
    if (
      !ins.root.startsWith(BOARD_PAGE_PREFIX) ||
      !PAGE_ID.test(ins.root.slice(BOARD_PAGE_PREFIX.length))
    )
      throw malformed(`the board has no part named ${JSON.stringify(ins.root.slice(0, 40))}`);
    if (ins.key !== null) throw malformed('a page holds a list of shapes');
    if (ins.values === null) throw malformed('a page holds shapes, not text or nested types');
    const page = ins.root.slice(BOARD_PAGE_PREFIX.length);
    if (!moderator) this.#checkPageOpen(page);
    for (const v of ins.values) {
      const parsed = parseShape(v);
      if ('problem' in parsed) throw malformed(`not a board shape (${parsed.problem})`);
      if (parsed.shape.by !== p.identity)
        throw refuse(
          ErrorCode.PERMISSION_DENIED,
          'BOARD_NOT_YOURS',
          'a shape must name its own author',
        );
    }
  }

  #checkDeletion(p: Participant, moderator: boolean, del: Deletion): void {
    if (moderator) return;
    if (!del.root.startsWith(BOARD_PAGE_PREFIX))
      throw refuse(
        ErrorCode.PERMISSION_DENIED,
        'BOARD_MODERATORS_ONLY',
        'only teachers change pages and board settings',
      );
    this.#checkPageOpen(del.root.slice(BOARD_PAGE_PREFIX.length));
    for (const v of del.values ?? [])
      if ((v as { by?: unknown } | null)?.by !== p.identity)
        throw refuse(
          ErrorCode.PERMISSION_DENIED,
          'BOARD_NOT_YOURS',
          'students erase only what they drew',
        );
  }

  /** Students draw only on pages the teacher made and did not lock. */
  #checkPageOpen(page: string): void {
    const pages = this.doc.getArray<string>(BOARD_PAGES).toArray();
    if (!pages.includes(page))
      throw refuse(ErrorCode.NOT_FOUND, 'BOARD_NO_PAGE', `the board has no page ${page}`);
    if (this.doc.getMap(BOARD_META).get(boardLockKey(page)) === true)
      throw refuse(ErrorCode.PERMISSION_DENIED, 'BOARD_LOCKED', 'the teacher locked this page');
  }

  /** Bounds pages and shapes per page after the change. */
  #checkPageCounts(insertions: Insertion[]): void {
    const added = new Map<string, number>();
    for (const ins of insertions)
      added.set(ins.root, (added.get(ins.root) ?? 0) + (ins.values?.length ?? 0));
    for (const [root, n] of added) {
      if (n === 0 || root === BOARD_META) continue;
      const limit =
        root === BOARD_PAGES
          ? BOARD_LIMITS.pages
          : root === BOARD_META
            ? Infinity
            : BOARD_LIMITS.shapesPerPage;
      if (this.doc.getArray(root).length + n > limit)
        throw refuse(
          ErrorCode.INVALID_STATE,
          'BOARD_FULL',
          `a board holds at most ${limit} ${root === BOARD_PAGES ? 'pages' : 'shapes per page'}`,
          { max: String(limit) },
        );
    }
  }

  /** Relays a cursor (awareness) to everyone else, when the sender may draw and is not too fast. */
  #cursor(p: Participant, message: Uint8Array): void {
    if (message.length > 4096) throw malformed('a cursor message is small');
    if (!readableAwareness(message)) throw malformed('not an awareness update');
    if (!isAllowed(p.role, p.permissions, 'draw')) return;
    if (!this.#writer(p).cursors.take()) return;
    this.#classroom.broadcast({ boardEvent: { message, participantId: p.id } }, p, false);
  }

  #writer(p: Participant): Writer {
    // By person, not socket: leaving and joining again does not refill what one may add.
    let w = this.#writers.get(p.identity);
    if (!w) {
      const { changesPerSecond: c, cursorsPerSecond: k } = this.#limits;
      w = {
        changes: new TokenBucket(c, c * 2),
        cursors: new TokenBucket(k, k),
        syncs: new TokenBucket(1, 5),
        bytes: 0,
      };
      this.#writers.set(p.identity, w);
    }
    return w;
  }

  /** Loads the stored board: the snapshot, then the changes after it; learns whose clients are whose. */
  #load(): void {
    if (!this.#store) return;
    const { snapshot, snapshotSeq, updates } = this.#store.load(this.#classroom.room);
    this.#seq = snapshotSeq;
    if (snapshot) Y.applyUpdate(this.doc, snapshot);
    for (const u of updates) {
      Y.applyUpdate(this.doc, u.update);
      for (const ins of safeInsertions(u.update)) this.#clients.set(ins, u.identity);
      this.#seq = u.seq;
    }
    this.#sinceSnapshot = updates.length;
    // Authors of what the snapshot holds, from the shapes themselves.
    for (const [client, structs] of this.doc.store.clients) {
      if (this.#clients.has(client)) continue;
      for (const s of structs)
        if (s instanceof Y.Item && s.content instanceof Y.ContentAny) {
          const by = (s.content.arr[0] as { by?: unknown } | null)?.by;
          if (typeof by === 'string') {
            this.#clients.set(client, by);
            break;
          }
        }
    }
  }
}

/**
 * Whether a framed awareness message holds a well-formed awareness update (y-protocols: a count,
 * then per client its id, clock and JSON state), so what is relayed cannot break a receiver.
 */
function readableAwareness(message: Uint8Array): boolean {
  try {
    const outer = decoding.createDecoder(message);
    decoding.readVarUint(outer);
    const update = decoding.readVarUint8Array(outer);
    if (decoding.hasContent(outer)) return false;
    const d = decoding.createDecoder(update);
    const count = decoding.readVarUint(d);
    if (count > 16) return false;
    for (let i = 0; i < count; i++) {
      decoding.readVarUint(d);
      decoding.readVarUint(d);
      JSON.parse(decoding.readVarString(d));
    }
    return !decoding.hasContent(d);
  } catch {
    return false;
  }
}

/** The Yjs clients that made an update's items. */
function safeInsertions(update: Uint8Array): number[] {
  try {
    return [...new Set(Y.decodeUpdate(update).structs.map((s) => s.id.client))];
  } catch {
    return [];
  }
}

const malformed = (message: string) =>
  refuse(ErrorCode.INVALID_ARGUMENT, 'BOARD_MALFORMED', `a malformed board change: ${message}`);
