import type { ReactiveController } from 'lit';
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { CosmoClient } from '../CosmoClient.js';
import type { HandoutInfo } from '../wire.js';
import type { ClassroomController, ClassroomHost } from './classroom.controller.js';
import type { BoardApi, BoardTool } from './board-api.js';
import { BoardImages } from './board-paint.js';
import { centredBox } from './board-geometry.js';
import { boardPdf, download, pagePng } from './board-export.js';

/** The colours offered (dark ink first: the board is white paper). */
export const BOARD_COLORS = ['#1f2937', '#e03131', '#1971c2', '#2f9e44', '#f08c00', '#9c36b5'];

/** Pen and shape widths, and text sizes, for Small, Medium and Large (board units). */
export const BOARD_SIZES = {
  line: [3, 6, 12],
  text: [28, 44, 72],
} as const;

/** Whether a keyboard event comes from a place where keys type text. */
function typing(e: KeyboardEvent): boolean {
  const target = e.composedPath()[0] as HTMLElement | undefined;
  return (
    !!target &&
    (target.tagName === 'INPUT' ||
      target.tagName === 'TEXTAREA' ||
      target.tagName === 'SELECT' ||
      target.isContentEditable)
  );
}

/**
 * The element's board: whether it is on stage and which page, the tools one draws with, the
 * moderator's page actions, the cursors of others, exports (PNG, PDF with progress), undo and redo
 * (also Ctrl+Z, Ctrl+Shift+Z), and the board's refusals shown as errors in the UI language.
 */
export class BoardController implements ReactiveController {
  readonly #host: ClassroomHost & HTMLElement;
  readonly #room: ClassroomController;
  tool: BoardTool = 'pen';
  color: string = BOARD_COLORS[0]!;
  /** 0 small, 1 medium, 2 large. */
  sizeIndex = 1;
  /** Bumped on each change of the board (the surface paints again). */
  revision = 0;
  /** An export under way: pages done of total. */
  exporting: { done: number; total: number } | undefined;
  images: BoardImages | undefined;

  constructor(host: ClassroomHost & HTMLElement, room: ClassroomController) {
    this.#host = host;
    this.#room = room;
    host.addController(this);
    room.onClient((client) => this.#follow(client));
  }

  hostConnected(): void {
    // On the document: after a stroke, focus is on no control (a canvas takes none).
    globalThis.document?.addEventListener('keydown', this.#keys);
  }

  hostDisconnected(): void {
    globalThis.document?.removeEventListener('keydown', this.#keys);
  }

  /** The SDK's board, once there is a client. */
  get board(): BoardApi | undefined {
    return this.#room.client?.board;
  }

  /** Whether the board is on stage (instead of the teacher's camera). */
  get onStage(): boolean {
    return this.#room.state !== 'closed' && !!this.board?.stage.onStage;
  }

  /** The page on stage (the first page when the stage names none). */
  get page(): string {
    const board = this.board;
    if (!board) return '';
    const pages = board.pages();
    const staged = board.stage.page;
    return staged && pages.includes(staged) ? staged : (pages[0] ?? '');
  }

  /** Whether this person may draw on the page on stage now. */
  get editable(): boolean {
    const board = this.board;
    // While reconnecting one draws on: the board sends it when the connection is back.
    const state = this.#room.state;
    if (!board || !this.page || (state !== 'connected' && state !== 'reconnecting')) return false;
    if (this.#room.moderator) return true;
    return board.canDraw && !board.isLocked(this.page);
  }

  /** The width (or text size) of the chosen size for the current tool. */
  get size(): number {
    return BOARD_SIZES[this.tool === 'text' ? 'text' : 'line'][this.sizeIndex]!;
  }

  /** The class's handouts that are pictures. */
  get imageHandouts(): HandoutInfo[] {
    return (this.#room.client?.handouts ?? []).filter((h) => h.mime.startsWith('image/'));
  }

  choose(change: Partial<Pick<BoardController, 'tool' | 'color' | 'sizeIndex'>>): void {
    Object.assign(this, change);
    this.#host.requestUpdate();
  }

  /** Runs a board action; a refusal or failure is shown as an error toast. */
  run = (action: (board: BoardApi) => unknown): void => {
    const board = this.board;
    if (!board) return;
    let result: unknown;
    try {
      result = action(board);
    } catch (err) {
      this.#fail(err);
      return;
    }
    if (result instanceof Promise) result.catch((err: unknown) => this.#fail(err));
    this.#host.requestUpdate();
  };

  /** Moderators: puts the board on stage (making a first page if there is none) or takes it off. */
  toggleStage(): void {
    this.run((b) => {
      // On an empty board the SDK makes the first page.
      b.setStage(!b.stage.onStage);
    });
  }

  /** Moderators: shows the page `delta` pages away, for everyone. */
  turn(delta: number): void {
    this.run((b) => {
      const pages = b.pages();
      const at = pages.indexOf(this.page) + delta;
      if (at >= 0 && at < pages.length) return b.setStage(true, pages[at]);
      return undefined;
    });
  }

  /** Moderators: a new page after the others, shown at once. */
  addPage(): void {
    this.run((b) => b.setStage(true, b.addPage()));
  }

  clearPage(): void {
    const page = this.page;
    if (page) this.run((b) => b.clearPage(page));
  }

  toggleLock(): void {
    const page = this.page;
    if (page) this.run((b) => b.lockPage(page, !b.isLocked(page)));
  }

  undo(): void {
    this.run((b) => b.undo());
  }

  redo(): void {
    this.run((b) => b.redo());
  }

  /** Puts a handout picture in the middle of the page, at its own proportions. */
  async placeImage(handoutId: string): Promise<void> {
    const page = this.page;
    const images = this.images;
    if (!page || !images || !handoutId) return;
    const loaded = await images.ready(handoutId);
    const img = images.get(handoutId);
    const aspect = loaded && img ? img.naturalWidth / img.naturalHeight : 4 / 3;
    this.run((b) =>
      b.add(page, { t: 'image', color: '#000000', size: 1, handoutId, ...centredBox(aspect) }),
    );
  }

  /** Saves the page on stage as a PNG. */
  async exportPng(): Promise<void> {
    const board = this.board;
    if (!board || !this.page || this.exporting) return;
    const index = board.pages().indexOf(this.page) + 1;
    try {
      download(
        await pagePng(board.shapes(this.page), this.images),
        `${this.#fileName()}-${index}.png`,
      );
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Saves every page as one PDF, showing how far it got. */
  async exportPdf(): Promise<void> {
    const board = this.board;
    if (!board || this.exporting) return;
    const pages = board.pages().map((p) => board.shapes(p));
    if (pages.length === 0) return;
    try {
      const pdf = await boardPdf(
        pages,
        this.images,
        (done, total) => {
          this.exporting = { done, total };
          this.#host.requestUpdate();
        },
        this.#room.classroom?.title || 'Board',
      );
      download(pdf, `${this.#fileName()}.pdf`);
    } catch (err) {
      this.#fail(err);
    } finally {
      this.exporting = undefined;
      this.#host.requestUpdate();
    }
  }

  #fileName(): string {
    const title = (this.#room.classroom?.title || 'board').replace(/[\\/:*?"<>|\s]+/g, '-');
    return `${title.slice(0, 60)}-board`;
  }

  #follow(client: CosmoClient): void {
    this.revision++;
    this.images = new BoardImages(
      (id) => client.school.handoutUrl(id),
      () => {
        this.revision++;
        this.#host.requestUpdate();
      },
    );
    client.on('boardChanged', () => {
      this.revision++;
      this.#host.requestUpdate();
    });
    // Cursors move often: only the surface draws them again, not the whole classroom.
    client.on('boardCursors', () =>
      this.#host.shadowRoot?.querySelector('cosmo-board-surface')?.requestUpdate(),
    );
    client.on('boardError', (err) => this.#fail(err));
    // A change of rights (Draw granted or taken) changes what the surface allows.
    client.on('participantUpdated', () => this.#host.requestUpdate());
  }

  #fail(err: unknown): void {
    const error =
      err instanceof CosmoError
        ? err
        : new CosmoError(ErrorCode.INTERNAL, err instanceof Error ? err.message : String(err));
    void this.#room.run(() => Promise.reject(error));
  }

  readonly #keys = (e: KeyboardEvent): void => {
    if (!this.onStage || !(e.ctrlKey || e.metaKey) || e.altKey || typing(e) || e.defaultPrevented)
      return;
    // Another element's keys (a page with two classrooms) are not ours.
    const other = e
      .composedPath()
      .find((t) => t instanceof HTMLElement && t.localName === this.#host.localName);
    if (other && other !== this.#host) return;
    const key = e.key.toLowerCase();
    if (key === 'z' && !e.shiftKey) {
      e.preventDefault();
      this.undo();
    } else if ((key === 'z' && e.shiftKey) || key === 'y') {
      e.preventDefault();
      this.redo();
    }
  };
}
