// The shared whiteboard as one client sees it: the classroom's Yjs document, kept in sync over the
// classroom's socket, with an editing API that follows the board's rules (docs/board.md).
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import {
  BOARD_HEIGHT,
  BOARD_LIMITS,
  BOARD_MESSAGE_AWARENESS,
  BOARD_MESSAGE_SYNC,
  BOARD_META,
  BOARD_PAGES,
  BOARD_WIDTH,
  CosmoError,
  ErrorCode,
  boardLockKey,
  boardPageKey,
  isModerator,
  type BoardShape,
} from '@cosmo/core';
import type { CosmoClient } from './CosmoClient.js';
import { BoardCursors, type BoardCursor } from './BoardCursors.js';
import { BoardSync } from './BoardSync.js';

/** A shape as the caller gives it: the board fills in `id`, `by` (own identity) and `at`. */
export type NewBoardShape = BoardShape extends infer S
  ? S extends BoardShape
    ? Omit<S, 'id' | 'by' | 'at'>
    : never
  : never;

/** Whether the board is shown to everyone, and which page. */
export interface BoardStage {
  onStage: boolean;
  /** The page on stage ('' while the board has no page). */
  page: string;
}

/** What a Board needs of its client: the connection, who this client is, its events. */
export type BoardHost = Pick<
  CosmoClient,
  'request' | 'self' | 'classroom' | 'participants' | 'limits' | 'on' | 'safeEmit'
>;

/** The origin of this client's undoable changes (its own strokes). */
const DRAWN = Symbol('cosmo-board-drawn');
/** The origin of this client's other changes (pages, settings, erasing others' shapes). */
const MODERATED = Symbol('cosmo-board-moderated');

/** Page ids: the server's rule. */
const PAGE_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** The page a moderator's first drawing creates on an empty board. */
const FIRST_PAGE = '1';

/**
 * The classroom's shared board (`client.board`): one Yjs document (`doc`), synced with the server
 * after each join and resume and kept while offline, so what is drawn without a connection goes
 * out when it is back. Students granted `draw` add shapes and erase their own; moderators also
 * manage pages, locks and the stage. Undo and redo touch only this client's own strokes. Changes
 * are told by the client's `boardChanged`, cursors by `boardCursors`, refused changes by
 * `boardError` (the document is then rebuilt from the server's).
 */
export class Board {
  readonly #host: BoardHost;
  readonly #sync: BoardSync;
  readonly #cursors: BoardCursors;
  #undo: Y.UndoManager;
  #room = '';
  #closed = false;

  constructor(host: BoardHost) {
    this.#host = host;
    const request = async (message: Uint8Array): Promise<Uint8Array[]> =>
      (await host.request('boardMessage', { message })).boardReply?.messages ?? [];
    this.#sync = new BoardSync({
      send: request,
      maxMessageBytes: () => host.limits.maxFrameBytes - 64,
      onChange: (origin) => host.safeEmit('boardChanged', origin),
      onReset: (doc) => {
        this.#undo.destroy();
        this.#undo = this.#undoManager(doc);
        host.safeEmit('boardChanged', 'reset');
      },
      onRefused: (error) => host.safeEmit('boardError', error),
    });
    this.#cursors = new BoardCursors({
      send: (message) => void request(message).catch(() => undefined),
      nameOf: (id) => host.participants.get(id)?.name ?? '',
      onChange: () => host.safeEmit('boardCursors', this.#cursors.cursors),
    });
    this.#undo = this.#undoManager(this.#sync.doc);
    host.on('joined', () => {
      const room = host.classroom?.room ?? '';
      // Another classroom (a breakout room, or back): another board.
      if (this.#room && room !== this.#room) this.#sync.reset();
      this.#room = room;
      this.#sync.start();
      this.#cursors.online(true);
    });
    host.on('resumed', () => {
      this.#sync.start();
      this.#cursors.online(false);
    });
    host.on('stateChanged', (state) => {
      if (state === 'reconnecting') {
        this.#sync.stop();
        this.#cursors.offline();
      } else if (state === 'closed') this.close();
    });
    host.on('participantLeft', (p) => this.#cursors.forget(p.id));
  }

  /**
   * The board's document (root types in docs/board.md). It is replaced when a refused change is
   * dropped or the client moves to another classroom (`boardChanged` with `'reset'`): read it
   * from here each time.
   */
  get doc(): Y.Doc {
    return this.#sync.doc;
  }

  /** Whether the server has all this client drew and this client all the server had. */
  get synced(): boolean {
    return this.#sync.synced;
  }

  /** Everyone else's cursor, by participant id (people who may draw). */
  get cursors(): ReadonlyMap<string, BoardCursor> {
    return this.#cursors.cursors;
  }

  /** The page ids, in order. */
  pages(): string[] {
    return [...new Set(this.#pages().toArray())];
  }

  /** The shapes of a page, oldest first. */
  shapes(pageId: string): BoardShape[] {
    return this.#page(pageId)
      .toArray()
      .filter((s): s is BoardShape => typeof s === 'object' && s !== null);
  }

  /** Whether the board is on stage, and which page. */
  get stage(): BoardStage {
    const meta = this.#meta();
    const pages = this.pages();
    const page = meta.get('page');
    return {
      onStage: meta.get('stage') === true,
      page: typeof page === 'string' && pages.includes(page) ? page : (pages[0] ?? ''),
    };
  }

  /** Whether students may not change the page. */
  isLocked(pageId: string): boolean {
    return this.#meta().get(boardLockKey(pageId)) === true;
  }

  /** Whether this client may draw on the page on stage. */
  get canDraw(): boolean {
    return this.canDrawOn(this.stage.page);
  }

  /** Whether this client may draw on `pageId` (moderators: also on an empty board's first page). */
  canDrawOn(pageId: string): boolean {
    const self = this.#host.self;
    if (!self) return false;
    if (isModerator(self.role)) return true;
    return self.permissions.draw && this.pages().includes(pageId) && !this.isLocked(pageId);
  }

  /**
   * Adds a shape to a page; returns its id. The board fills in `id`, `by` and `at`. On a
   * board with no page yet, a moderator's first shape creates page '1'. Throws a TypeError for a
   * shape the server would refuse, a CosmoError when this client may not draw there.
   */
  add(pageId: string, shape: NewBoardShape): string {
    const self = this.#joined();
    const full = { ...shape, id: randomId(), by: self.identity, at: Date.now() } as BoardShape;
    const problem = boardShapeProblem(full);
    if (problem) throw new TypeError(problem);
    const bytes = new TextEncoder().encode(JSON.stringify(full)).length;
    if (bytes > this.#host.limits.maxFrameBytes - 1024)
      throw new TypeError(`the shape is too large to send (${bytes} bytes)`);
    const create = this.#createsFirstPage(pageId);
    const page = create ? FIRST_PAGE : pageId;
    if (!create) this.#mayChange(page);
    const shapes = this.#page(page);
    if (shapes.length >= BOARD_LIMITS.shapesPerPage)
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        `a page holds at most ${BOARD_LIMITS.shapesPerPage} shapes`,
        { reason: 'BOARD_FULL', params: { max: String(BOARD_LIMITS.shapesPerPage) } },
      );
    this.#undo.addToScope(shapes);
    this.doc.transact(() => {
      if (create) this.#pages().push([FIRST_PAGE]);
      shapes.push([full]);
    }, DRAWN);
    return full.id;
  }

  /**
   * Erases shapes from a page; returns how many were erased. Students erase only their own
   * (PERMISSION_DENIED, reason `BOARD_NOT_YOURS`); moderators any (others' shapes are not undone).
   */
  erase(pageId: string, ids: string[]): number {
    const self = this.#joined();
    this.#mayChange(pageId);
    const wanted = new Set(ids);
    const shapes = this.#page(pageId);
    const own: number[] = [];
    const others: number[] = [];
    shapes.toArray().forEach((s, i) => {
      const shape = s as BoardShape | null;
      if (shape && wanted.has(shape.id)) (shape.by === self.identity ? own : others).push(i);
    });
    if (others.length && !isModerator(self.role))
      throw new CosmoError(ErrorCode.PERMISSION_DENIED, 'students erase only what they drew', {
        reason: 'BOARD_NOT_YOURS',
      });
    // Others' shapes cannot be put back by this client (a shape names its author): not undoable.
    this.doc.transact(() => deleteAt(shapes, others), MODERATED);
    this.doc.transact(() => deleteAt(shapes, own), DRAWN);
    return own.length + others.length;
  }

  /** Moderators: adds a page at the end; returns its id. */
  addPage(): string {
    this.#moderator();
    const pages = this.pages();
    if (pages.length >= BOARD_LIMITS.pages)
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        `a board holds at most ${BOARD_LIMITS.pages} pages`,
        {
          reason: 'BOARD_FULL',
          params: { max: String(BOARD_LIMITS.pages) },
        },
      );
    const id = pages.length ? randomId(8) : FIRST_PAGE;
    this.doc.transact(() => this.#pages().push([id]), MODERATED);
    return id;
  }

  /** Moderators: removes a page and its shapes (the stage moves to another page). */
  removePage(pageId: string): void {
    this.#moderator();
    const pages = this.#pages();
    const remaining = this.pages().filter((p) => p !== pageId);
    this.doc.transact(() => {
      const at: number[] = [];
      pages.toArray().forEach((p, i) => p === pageId && at.push(i));
      deleteAt(pages, at);
      const shapes = this.#page(pageId);
      if (shapes.length) shapes.delete(0, shapes.length);
      const meta = this.#meta();
      if (meta.get(boardLockKey(pageId)) === true) meta.set(boardLockKey(pageId), false);
      if (meta.get('page') === pageId) {
        if (remaining[0]) meta.set('page', remaining[0]);
        else if (meta.get('stage') === true) meta.set('stage', false);
      }
    }, MODERATED);
  }

  /** Moderators: erases everything on a page (not undoable: the shapes are others' too). */
  clearPage(pageId: string): void {
    this.#moderator();
    const shapes = this.#page(pageId);
    if (shapes.length) this.doc.transact(() => shapes.delete(0, shapes.length), MODERATED);
  }

  /** Moderators: locks a page for students (or opens it again). */
  lockPage(pageId: string, locked: boolean): void {
    this.#moderator();
    if (!this.pages().includes(pageId)) throw noPage(pageId);
    this.doc.transact(() => this.#meta().set(boardLockKey(pageId), locked), MODERATED);
  }

  /**
   * Moderators: puts the board on stage (or takes it off), showing `pageId` (default: the page on
   * stage). On an empty board it creates page '1'.
   */
  setStage(onStage: boolean, pageId?: string): void {
    this.#moderator();
    const pages = this.pages();
    if (
      pageId !== undefined &&
      !pages.includes(pageId) &&
      !(pages.length === 0 && pageId === FIRST_PAGE)
    )
      throw noPage(pageId);
    this.doc.transact(() => {
      if (pages.length === 0) this.#pages().push([FIRST_PAGE]);
      const meta = this.#meta();
      meta.set('stage', onStage);
      const page = pageId ?? (pages.length ? this.stage.page : FIRST_PAGE);
      if (meta.get('page') !== page) meta.set('page', page);
    }, MODERATED);
  }

  /** Takes back this client's last stroke or erasure (never anyone else's). */
  undo(): void {
    this.#undo.undo();
  }

  /** Does again what `undo` took back. */
  redo(): void {
    this.#undo.redo();
  }

  get canUndo(): boolean {
    return this.#undo.canUndo();
  }

  get canRedo(): boolean {
    return this.#undo.canRedo();
  }

  /** Shows this client's pointer to the others (sent at most ~10 times a second). */
  setCursor(pageId: string, x: number, y: number): void {
    this.#cursors.set(pageId, x, y);
  }

  /** Hides this client's pointer. */
  clearCursor(): void {
    this.#cursors.clear();
  }

  /** @internal A boardEvent from the server. */
  receive(message: Uint8Array, participantId: string): void {
    if (this.#closed) return;
    let type: number;
    try {
      type = decoding.readVarUint(decoding.createDecoder(message));
    } catch {
      return;
    }
    if (type === BOARD_MESSAGE_SYNC) this.#sync.receive(message);
    else if (type === BOARD_MESSAGE_AWARENESS && participantId)
      this.#cursors.receive(participantId, message);
  }

  /** Stops syncing and sending cursors (the document stays readable). No-op when closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sync.close();
    this.#cursors.close();
  }

  #undoManager(doc: Y.Doc): Y.UndoManager {
    const undo = new Y.UndoManager([], {
      doc,
      captureTimeout: 0,
      trackedOrigins: new Set([DRAWN]),
    });
    const pages = doc.getArray<string>(BOARD_PAGES);
    const scope = () =>
      undo.addToScope(pages.toArray().map((id) => doc.getArray(boardPageKey(id))));
    scope();
    pages.observe(scope);
    return undo;
  }

  #pages(): Y.Array<string> {
    return this.doc.getArray<string>(BOARD_PAGES);
  }

  #page(pageId: string): Y.Array<BoardShape> {
    if (!PAGE_ID.test(pageId)) throw new TypeError(`${JSON.stringify(pageId)} is not a page id`);
    return this.doc.getArray<BoardShape>(boardPageKey(pageId));
  }

  #meta(): Y.Map<unknown> {
    return this.doc.getMap(BOARD_META);
  }

  #joined(): NonNullable<BoardHost['self']> {
    const self = this.#host.self;
    if (!self) throw new CosmoError(ErrorCode.INVALID_STATE, 'join the classroom first');
    return self;
  }

  #moderator(): void {
    if (!isModerator(this.#joined().role))
      throw new CosmoError(
        ErrorCode.PERMISSION_DENIED,
        'only teachers change pages and board settings',
        {
          reason: 'BOARD_MODERATORS_ONLY',
        },
      );
  }

  /** A moderator's first shape on a board without pages goes on a new page '1'. */
  #createsFirstPage(pageId: string): boolean {
    return (
      isModerator(this.#host.self?.role) &&
      this.#pages().length === 0 &&
      (pageId === '' || pageId === FIRST_PAGE)
    );
  }

  /** Throws unless this client may change `pageId` as the server sees it. */
  #mayChange(pageId: string): void {
    const self = this.#joined();
    if (!this.pages().includes(pageId)) throw noPage(pageId);
    if (isModerator(self.role)) return;
    if (!self.permissions.draw)
      throw new CosmoError(ErrorCode.PERMISSION_DENIED, 'a teacher has not let you draw', {
        reason: 'BOARD_NOT_ALLOWED',
      });
    if (this.isLocked(pageId))
      throw new CosmoError(ErrorCode.PERMISSION_DENIED, 'the teacher locked this page', {
        reason: 'BOARD_LOCKED',
      });
  }
}

const COLOR = /^#[0-9a-fA-F]{6}$/;
const inX = (v: unknown) =>
  Number.isFinite(v) && (v as number) >= -BOARD_WIDTH && (v as number) <= BOARD_WIDTH * 2;
const inY = (v: unknown) =>
  Number.isFinite(v) && (v as number) >= -BOARD_HEIGHT && (v as number) <= BOARD_HEIGHT * 2;

/** Why the server would refuse a shape (its rules and BOARD_LIMITS), or undefined when it is fine. */
export function boardShapeProblem(shape: BoardShape): string | undefined {
  const s = shape as unknown as Record<string, unknown>;
  if (typeof s.id !== 'string' || !s.id || s.id.length > 64) return 'id: 1 to 64 characters';
  if (typeof s.by !== 'string' || !s.by || s.by.length > 200) return 'by: an identity';
  if (!Number.isFinite(s.at) || (s.at as number) < 0) return 'at: a time';
  if (typeof s.color !== 'string' || !COLOR.test(s.color)) return 'color: #rrggbb';
  if (!Number.isFinite(s.size) || (s.size as number) < 0.5 || (s.size as number) > 200)
    return 'size: 0.5 to 200';
  const keys = ['id', 'by', 'at', 'color', 'size', 't'];
  switch (s.t) {
    case 'stroke': {
      const p = s.points;
      if (!Array.isArray(p) || p.length < 3 || p.length % 3 !== 0)
        return 'points: x, y, pressure triples';
      if (p.length > BOARD_LIMITS.strokePoints * 3)
        return `points: at most ${BOARD_LIMITS.strokePoints} per stroke`;
      if (!p.every(inX)) return 'points: on the page';
      keys.push('points');
      break;
    }
    case 'line':
    case 'arrow':
    case 'rect':
    case 'ellipse':
      if (!inX(s.x1) || !inY(s.y1) || !inX(s.x2) || !inY(s.y2))
        return 'x1, y1, x2, y2: on the page';
      keys.push('x1', 'y1', 'x2', 'y2');
      break;
    case 'text':
      if (!inX(s.x) || !inY(s.y)) return 'x, y: on the page';
      if (typeof s.text !== 'string' || !s.text) return 'text: not empty';
      if (s.text.length > BOARD_LIMITS.textChars)
        return `text: at most ${BOARD_LIMITS.textChars} characters`;
      keys.push('x', 'y', 'text');
      break;
    case 'image':
      if (typeof s.handoutId !== 'string' || !s.handoutId || s.handoutId.length > 128)
        return 'handoutId: a handout';
      if (!inX(s.x) || !inY(s.y)) return 'x, y: on the page';
      if (!Number.isFinite(s.w) || (s.w as number) <= 0 || (s.w as number) > BOARD_WIDTH * 2)
        return 'w: a width';
      if (!Number.isFinite(s.h) || (s.h as number) <= 0 || (s.h as number) > BOARD_HEIGHT * 2)
        return 'h: a height';
      keys.push('handoutId', 'x', 'y', 'w', 'h');
      break;
    default:
      return 't: stroke, line, arrow, rect, ellipse, text or image';
  }
  const extra = Object.keys(s).find((k) => !keys.includes(k));
  return extra ? `${extra}: not part of a ${String(s.t)}` : undefined;
}

/** Deletes the items at `indexes` (ascending), from the end so the others do not move. */
function deleteAt<T>(array: Y.Array<T>, indexes: number[]): void {
  for (let i = indexes.length - 1; i >= 0; i--) array.delete(indexes[i]!, 1);
}

function noPage(pageId: string): CosmoError {
  return new CosmoError(ErrorCode.NOT_FOUND, `the board has no page ${pageId}`, {
    reason: 'BOARD_NO_PAGE',
  });
}

/** A random id (letters and digits), safe in browsers without a secure context. */
function randomId(length = 16): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => '0123456789abcdefghijklmnopqrstuvwxyz'[b % 36]).join('');
}
