import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { BOARD_HEIGHT, BOARD_LIMITS, BOARD_WIDTH, type BoardShape } from '@cosmo/core';
import type { BoardApi, BoardRun, BoardTool, NewBoardShape } from './board-api.js';
import { clampToPage, hitsShape, thinStroke, type StrokePoint } from './board-geometry.js';
import { BOARD_FONT, paintPage, paintShape, type BoardImages } from './board-paint.js';

/** How often one's cursor is sent (the server relays at most 15 a second). */
const CURSOR_MS = 80;
/** How often an eraser drag sends what it erased so far (the server takes 30 changes a second). */
const ERASE_MS = 150;

/**
 * The board's page as a canvas kept at 16:9 in whatever box it is given: the committed shapes on
 * one canvas, the shape being drawn on another above it (pointer events with pressure; touch draws
 * rather than scrolls), text typed in a real text box where it goes (input methods compose in it
 * as anywhere else), and the cursors of others drawing.
 *
 * @csspart board-canvas - The canvas (the page and what is being drawn).
 * @csspart board-text - The text box a text is typed in, where it will stand.
 * @csspart board-cursor - Another person's cursor, with their name.
 */
export class CosmoBoardSurface extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      place-items: center;
      position: relative;
      min-height: 0;
      min-width: 0;
      overflow: hidden;
    }
    .box {
      position: relative;
      box-shadow: 0 1px 6px rgba(0, 0, 0, 0.35);
    }
    canvas {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      display: block;
    }
    canvas.live {
      touch-action: none;
    }
    :host([tool='pen']) canvas.live,
    :host([tool='line']) canvas.live,
    :host([tool='arrow']) canvas.live,
    :host([tool='rect']) canvas.live,
    :host([tool='ellipse']) canvas.live {
      cursor: crosshair;
    }
    :host([tool='text']) canvas.live {
      cursor: text;
    }
    :host([tool='eraser']) canvas.live {
      cursor: cell;
    }
    :host(:not([editable])) canvas.live {
      cursor: default;
      touch-action: auto;
    }
    textarea {
      position: absolute;
      z-index: 2;
      margin: 0;
      padding: 0 2px;
      border: 1px dashed #4f8cff;
      background: rgba(255, 255, 255, 0.85);
      outline: none;
      resize: none;
      overflow: hidden;
      line-height: 1.25;
      font-family: ${unsafeCSS(BOARD_FONT)};
      min-width: 4em;
      field-sizing: content;
    }
    .cursor {
      position: absolute;
      z-index: 1;
      pointer-events: none;
      transform: translate(-4px, -4px);
      display: flex;
      align-items: flex-start;
      gap: 2px;
      transition:
        left 80ms linear,
        top 80ms linear;
    }
    .cursor::before {
      content: '';
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--cursor-color);
      border: 1px solid white;
    }
    .cursor span {
      margin-top: 6px;
      padding: 0 5px;
      border-radius: 4px;
      background: var(--cursor-color);
      color: white;
      font: 11px/1.5 ${unsafeCSS(BOARD_FONT)};
      white-space: nowrap;
      max-width: 12em;
      overflow: hidden;
      text-overflow: ellipsis;
    }
  `;

  static override properties = {
    board: { attribute: false },
    page: {},
    tool: { reflect: true },
    color: {},
    size: { type: Number },
    editable: { type: Boolean, reflect: true },
    self: {},
    moderator: { type: Boolean },
    revision: { type: Number },
    images: { attribute: false },
    run: { attribute: false },
    label: {},
    textLabel: { attribute: 'text-label' },
  };

  /** The SDK's board. */
  declare board: BoardApi | undefined;
  /** The page shown. */
  declare page: string;
  declare tool: BoardTool;
  /** `#rrggbb`. */
  declare color: string;
  /** Line width, or font size for text, in board units. */
  declare size: number;
  /** Whether this person may change this page now. */
  declare editable: boolean;
  /** This person's identity (a student erases only their own shapes). */
  declare self: string;
  declare moderator: boolean;
  /** Bumped when the board changed: the page is painted again. */
  declare revision: number;
  declare images: BoardImages | undefined;
  /** Runs a change, showing its error. */
  declare run: BoardRun;
  /** What the canvas is called to screen readers. */
  declare label: string;
  declare textLabel: string;

  #scale = 1;
  #box = { w: 0, h: 0 };
  #resize: ResizeObserver | undefined;
  /** The gesture in progress. */
  #gesture:
    | { kind: 'stroke'; points: StrokePoint[]; pointer: number }
    | { kind: 'figure'; x1: number; y1: number; x2: number; y2: number; pointer: number }
    | { kind: 'erase'; ids: Set<string>; pending: string[]; pointer: number }
    | undefined;
  /** The text being typed: where, and whether an input method is composing. */
  #text: { x: number; y: number; composing: boolean; done: boolean } | undefined;
  #lastCursor = 0;
  #eraseTimer: ReturnType<typeof setTimeout> | undefined;
  #frame = 0;
  /** The canvases were resized (and so cleared): paint again. */
  #resized = false;

  constructor() {
    super();
    this.page = '';
    this.tool = 'pen';
    this.color = '#1f2937';
    this.size = 4;
    this.editable = false;
    this.self = '';
    this.moderator = false;
    this.revision = 0;
    this.run = () => undefined;
    this.label = '';
    this.textLabel = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver(() => this.#fit());
    this.#resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#resize = undefined;
    cancelAnimationFrame(this.#frame);
    this.#flushErase();
    clearTimeout(this.#eraseTimer);
  }

  /** Board units per CSS pixel of the box, for tests and the controller. */
  get scale(): number {
    return this.#scale;
  }

  /** The page's canvas (the committed shapes). */
  get canvas(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector('canvas.page');
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('page') || changed.has('tool') || (changed.has('editable') && !this.editable))
      this.#cancelText();
    if (this.#resized || changed.has('revision') || changed.has('page') || changed.has('board')) {
      this.#resized = false;
      this.#paint();
    }
  }

  protected override render() {
    const { w, h } = this.#box;
    const cursors = [...(this.board?.cursors ?? new Map()).entries()].filter(
      ([, c]) => c.page === this.page,
    );
    return html`<div class="box" style="width:${w}px;height:${h}px">
      <canvas class="page" part="board-canvas" role="img" aria-label=${this.label}></canvas>
      <canvas
        class="live"
        aria-hidden="true"
        @pointerdown=${this.#down}
        @pointermove=${this.#move}
        @pointerup=${this.#up}
        @pointercancel=${this.#cancel}
        @pointerleave=${this.#leave}
      ></canvas>
      ${this.#text ? this.#renderText() : nothing}
      ${cursors.map(
        ([id, c]) =>
          html`<div
            part="board-cursor"
            class="cursor"
            data-participant=${id}
            style="left:${c.x * this.#scale}px;top:${c.y * this.#scale}px;--cursor-color:${cursorColor(id)}"
          >
            <span>${c.name}</span>
          </div>`,
      )}
    </div>`;
  }

  #renderText() {
    const text = this.#text!;
    const font = this.size * this.#scale;
    return html`<textarea
      part="board-text"
      rows="1"
      maxlength=${BOARD_LIMITS.textChars}
      aria-label=${this.textLabel}
      style="left:${text.x * this.#scale}px;top:${text.y * this.#scale}px;font-size:${font}px;color:${this.color};max-width:${this.#box.w - text.x * this.#scale}px"
      @compositionstart=${() => (text.composing = true)}
      @compositionend=${() => (text.composing = false)}
      @keydown=${this.#textKey}
      @blur=${() => this.#commitText()}
    ></textarea>`;
  }

  /** Fits the box into the host at 16:9 and sizes the canvases to its pixels. */
  #fit(): void {
    const w = Math.floor(
      Math.min(this.clientWidth, (this.clientHeight * BOARD_WIDTH) / BOARD_HEIGHT),
    );
    const h = Math.floor((w * BOARD_HEIGHT) / BOARD_WIDTH);
    if (w === this.#box.w && h === this.#box.h) return;
    this.#box = { w: Math.max(0, w), h: Math.max(0, h) };
    this.#scale = this.#box.w / BOARD_WIDTH;
    const dpr = globalThis.devicePixelRatio || 1;
    for (const canvas of this.renderRoot.querySelectorAll('canvas')) {
      canvas.width = Math.round(this.#box.w * dpr);
      canvas.height = Math.round(this.#box.h * dpr);
    }
    this.#resized = true;
    this.requestUpdate();
  }

  /** Paints the page's shapes (after a change, a resize or a new page). */
  #paint(): void {
    const canvas = this.canvas;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return;
    const shapes = this.board && this.page ? this.board.shapes(this.page) : [];
    paintPage(ctx, shapes, canvas.width / BOARD_WIDTH, { images: this.images });
  }

  /** Paints the shape being drawn on the live canvas, once a frame. */
  #paintLive(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = requestAnimationFrame(() => {
      const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.live');
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      const shape = this.#liveShape();
      if (!shape) return;
      const scale = canvas.width / BOARD_WIDTH;
      ctx.setTransform(scale, 0, 0, scale, 0, 0);
      paintShape(ctx, { ...shape, id: '', by: '', at: 0 } as BoardShape);
    });
  }

  #liveShape(): NewBoardShape | undefined {
    const g = this.#gesture;
    if (!g || g.kind === 'erase') return undefined;
    const base = { color: this.color, size: this.size };
    if (g.kind === 'stroke') return { t: 'stroke', ...base, points: g.points.flat() };
    const t = this.tool as 'line' | 'arrow' | 'rect' | 'ellipse';
    return { t, ...base, x1: g.x1, y1: g.y1, x2: g.x2, y2: g.y2 };
  }

  /** The pointer's position in board units. */
  #at(e: PointerEvent): [number, number] {
    // Coalesced events have no currentTarget: measure the canvas itself.
    const live = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.live');
    if (!live) return [0, 0];
    const r = live.getBoundingClientRect();
    return clampToPage((e.clientX - r.left) / this.#scale, (e.clientY - r.top) / this.#scale);
  }

  #down = (e: PointerEvent): void => {
    if (!this.editable || !this.board || !this.page || e.button > 0) return;
    if (this.#gesture) return;
    const [x, y] = this.#at(e);
    if (this.tool === 'text') {
      e.preventDefault();
      if (this.#text) this.#commitText();
      this.#openText(x, y);
      return;
    }
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    if (this.tool === 'pen')
      this.#gesture = { kind: 'stroke', points: [[x, y, pressureOf(e)]], pointer: e.pointerId };
    else if (this.tool === 'eraser') {
      this.#gesture = { kind: 'erase', ids: new Set(), pending: [], pointer: e.pointerId };
      this.#eraseAt(x, y);
    } else this.#gesture = { kind: 'figure', x1: x, y1: y, x2: x, y2: y, pointer: e.pointerId };
    this.#paintLive();
  };

  #move = (e: PointerEvent): void => {
    if (!this.editable || !this.board || !this.page) return;
    const [x, y] = this.#at(e);
    const now = performance.now();
    if (now - this.#lastCursor >= CURSOR_MS) {
      this.#lastCursor = now;
      this.run((b) => b.setCursor(this.page, Math.round(x), Math.round(y)));
    }
    const g = this.#gesture;
    if (!g || g.pointer !== e.pointerId) return;
    if (g.kind === 'stroke') {
      const events = e.getCoalescedEvents?.() ?? [];
      for (const c of events.length ? events : [e]) {
        const [cx, cy] = this.#at(c);
        g.points.push([cx, cy, pressureOf(c)]);
      }
    } else if (g.kind === 'figure') {
      g.x2 = x;
      g.y2 = y;
    } else this.#eraseAt(x, y);
    this.#paintLive();
  };

  #up = (e: PointerEvent): void => {
    const g = this.#gesture;
    if (!g || g.pointer !== e.pointerId) return;
    this.#gesture = undefined;
    const page = this.page;
    if (g.kind === 'erase') {
      this.#flushErase(g);
    } else if (g.kind === 'stroke') {
      const points = thinStroke(g.points);
      const color = this.color;
      const size = this.size;
      this.run((b) => b.add(page, { t: 'stroke', color, size, points }));
    } else if (Math.hypot(g.x2 - g.x1, g.y2 - g.y1) >= 3) {
      const shape = this.#liveShape();
      if (shape) this.run((b) => b.add(page, roundFigure(shape)));
    }
    this.#paintLive();
  };

  #cancel = (e: PointerEvent): void => {
    if (this.#gesture?.pointer !== e.pointerId) return;
    if (this.#gesture.kind === 'erase') this.#flushErase(this.#gesture);
    this.#gesture = undefined;
    this.#paintLive();
  };

  /** A mouse leaving, or a finger lifted (touch has no hover): one's cursor goes. */
  #leave = (e: PointerEvent): void => {
    if (this.#gesture?.pointer === e.pointerId) return;
    if (e.pointerType === 'mouse' || e.pointerType === 'touch') this.run((b) => b.clearCursor());
  };

  #eraseAt(x: number, y: number): void {
    const g = this.#gesture;
    if (g?.kind !== 'erase' || !this.board) return;
    const tolerance = Math.max(6, 8 / this.#scale);
    for (const shape of this.board.shapes(this.page)) {
      if (g.ids.has(shape.id)) continue;
      if (!this.moderator && shape.by !== this.self) continue;
      if (hitsShape(shape, x, y, tolerance)) {
        g.ids.add(shape.id);
        g.pending.push(shape.id);
      }
    }
    if (g.pending.length && !this.#eraseTimer)
      this.#eraseTimer = setTimeout(() => this.#flushErase(g), ERASE_MS);
  }

  #flushErase(g = this.#gesture): void {
    clearTimeout(this.#eraseTimer);
    this.#eraseTimer = undefined;
    if (g?.kind !== 'erase' || g.pending.length === 0) return;
    const ids = g.pending.splice(0);
    const page = this.page;
    this.run((b) => b.erase(page, ids));
  }

  #openText(x: number, y: number): void {
    this.#text = { x, y, composing: false, done: false };
    this.requestUpdate();
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus(),
    );
  }

  #textKey = (e: KeyboardEvent): void => {
    // An input method's Enter picks a candidate: never a commit while it composes.
    if (e.isComposing || this.#text?.composing || e.keyCode === 229) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      this.#cancelText();
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      this.#commitText();
    }
    e.stopPropagation();
  };

  /** Adds the typed text (once: Enter then the blur it causes commit the same text once). */
  #commitText(): void {
    const text = this.#text;
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    if (!text || text.done) return;
    if (text.composing) return;
    text.done = true;
    const value = (box?.value ?? '').replace(/\s+$/, '');
    this.#text = undefined;
    this.requestUpdate();
    if (!value.trim() || !this.page) return;
    const page = this.page;
    const shape: NewBoardShape = {
      t: 'text',
      color: this.color,
      size: this.size,
      x: Math.round(text.x),
      y: Math.round(text.y),
      text: value.slice(0, BOARD_LIMITS.textChars),
    };
    this.run((b) => b.add(page, shape));
  }

  #cancelText(): void {
    if (!this.#text) return;
    this.#text.done = true;
    this.#text = undefined;
    this.requestUpdate();
  }
}

/** A pointer's pressure: a mouse says 0.5 while pressed, a pen and some touch screens say more. */
function pressureOf(e: PointerEvent): number {
  return e.pressure > 0 ? e.pressure : 0.5;
}

function roundFigure(shape: NewBoardShape): NewBoardShape {
  if (shape.t === 'line' || shape.t === 'arrow' || shape.t === 'rect' || shape.t === 'ellipse')
    return {
      ...shape,
      x1: Math.round(shape.x1),
      y1: Math.round(shape.y1),
      x2: Math.round(shape.x2),
      y2: Math.round(shape.y2),
    };
  return shape;
}

const CURSOR_COLORS = ['#b3261e', '#1b5e20', '#0d47a1', '#6a1b9a', '#ad1457', '#8a4b00', '#00695c'];

/** A steady colour per participant, dark enough under white text (WCAG AA). */
function cursorColor(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return CURSOR_COLORS[h % CURSOR_COLORS.length]!;
}

if (!customElements.get('cosmo-board-surface'))
  customElements.define('cosmo-board-surface', CosmoBoardSurface);

declare global {
  interface HTMLElementTagNameMap {
    'cosmo-board-surface': CosmoBoardSurface;
  }
}
