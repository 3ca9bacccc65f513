import { getStroke } from 'perfect-freehand';
import { BOARD_HEIGHT, BOARD_WIDTH, type BoardShape } from '@cosmo/core';

/** The board's paper colour (also the exported pages' background). */
export const BOARD_PAPER = '#ffffff';

/** The font text on the board is set in (covers Japanese and Chinese). */
export const BOARD_FONT =
  "system-ui, -apple-system, 'Segoe UI', 'Hiragino Sans', 'Noto Sans CJK JP', 'Microsoft YaHei', sans-serif";

/**
 * Handout images by handout id, loaded once. An image from another origin without CORS headers
 * still shows on the board but would taint a canvas: it is marked and left out of exports.
 */
export class BoardImages {
  readonly #images = new Map<string, { img: HTMLImageElement; ready: Promise<boolean> }>();
  readonly #url: (handoutId: string) => string;
  readonly #onLoad: () => void;
  readonly #tainted = new Set<string>();

  constructor(url: (handoutId: string) => string, onLoad: () => void) {
    this.#url = url;
    this.#onLoad = onLoad;
  }

  /** The image if loaded (starts loading it otherwise). */
  get(handoutId: string): HTMLImageElement | undefined {
    const entry = this.#images.get(handoutId) ?? this.#load(handoutId);
    return entry.img.complete && entry.img.naturalWidth > 0 ? entry.img : undefined;
  }

  /** Resolves when the image has loaded (true) or failed (false). */
  ready(handoutId: string): Promise<boolean> {
    return (this.#images.get(handoutId) ?? this.#load(handoutId)).ready;
  }

  /** Whether drawing the image would taint a canvas (exports leave it out). */
  tainted(handoutId: string): boolean {
    return this.#tainted.has(handoutId);
  }

  #load(handoutId: string) {
    const img = new Image();
    const ready = new Promise<boolean>((resolve) => {
      img.crossOrigin = 'anonymous';
      img.onload = () => {
        resolve(true);
        this.#onLoad();
      };
      img.onerror = () => {
        // No CORS: load it plainly, for the screen only.
        this.#tainted.add(handoutId);
        img.onerror = () => resolve(false);
        img.removeAttribute('crossorigin');
        img.src = this.#url(handoutId);
      };
      img.src = this.#url(handoutId);
    });
    const entry = { img, ready };
    this.#images.set(handoutId, entry);
    return entry;
  }
}

/** What a page is painted with: the images, and whether tainted images are left out. */
export interface PaintOptions {
  images?: BoardImages | undefined;
  /** Leave out images that would taint the canvas (for exports). */
  exporting?: boolean;
}

/** Paints the paper and every shape of a page, `scale` pixels per board unit. */
export function paintPage(
  ctx: CanvasRenderingContext2D,
  shapes: readonly BoardShape[],
  scale: number,
  options: PaintOptions = {},
): void {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = BOARD_PAPER;
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.restore();
  ctx.save();
  ctx.scale(scale, scale);
  ctx.beginPath();
  ctx.rect(0, 0, BOARD_WIDTH, BOARD_HEIGHT);
  ctx.clip();
  for (const shape of shapes) paintShape(ctx, shape, options);
  ctx.restore();
}

/** Paints one shape, in board units (the context is already scaled). */
export function paintShape(
  ctx: CanvasRenderingContext2D,
  shape: BoardShape,
  options: PaintOptions = {},
): void {
  ctx.strokeStyle = shape.color;
  ctx.fillStyle = shape.color;
  ctx.lineWidth = shape.size;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  switch (shape.t) {
    case 'stroke':
      ctx.fill(new Path2D(strokePath(shape.points, shape.size)));
      return;
    case 'line':
    case 'arrow':
      ctx.beginPath();
      ctx.moveTo(shape.x1, shape.y1);
      ctx.lineTo(shape.x2, shape.y2);
      ctx.stroke();
      if (shape.t === 'arrow') {
        const angle = Math.atan2(shape.y2 - shape.y1, shape.x2 - shape.x1);
        const head = Math.max(12, shape.size * 4);
        ctx.beginPath();
        ctx.moveTo(shape.x2, shape.y2);
        ctx.lineTo(
          shape.x2 - head * Math.cos(angle - Math.PI / 7),
          shape.y2 - head * Math.sin(angle - Math.PI / 7),
        );
        ctx.lineTo(
          shape.x2 - head * Math.cos(angle + Math.PI / 7),
          shape.y2 - head * Math.sin(angle + Math.PI / 7),
        );
        ctx.closePath();
        ctx.fill();
      }
      return;
    case 'rect':
      ctx.strokeRect(
        Math.min(shape.x1, shape.x2),
        Math.min(shape.y1, shape.y2),
        Math.abs(shape.x2 - shape.x1),
        Math.abs(shape.y2 - shape.y1),
      );
      return;
    case 'ellipse':
      ctx.beginPath();
      ctx.ellipse(
        (shape.x1 + shape.x2) / 2,
        (shape.y1 + shape.y2) / 2,
        Math.abs(shape.x2 - shape.x1) / 2,
        Math.abs(shape.y2 - shape.y1) / 2,
        0,
        0,
        Math.PI * 2,
      );
      ctx.stroke();
      return;
    case 'text':
      ctx.font = `${shape.size}px ${BOARD_FONT}`;
      ctx.textBaseline = 'top';
      shape.text.split('\n').forEach((line, i) => {
        ctx.fillText(line, shape.x, shape.y + i * shape.size * 1.25);
      });
      return;
    case 'image': {
      const img = options.images?.get(shape.handoutId);
      if (img && !(options.exporting && options.images?.tainted(shape.handoutId))) {
        ctx.drawImage(img, shape.x, shape.y, shape.w, shape.h);
      } else {
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#9aa5b1';
        ctx.setLineDash([8, 6]);
        ctx.strokeRect(shape.x, shape.y, shape.w, shape.h);
        ctx.setLineDash([]);
      }
      return;
    }
  }
}

/**
 * The SVG path of a freehand stroke's outline (perfect-freehand). A mouse gives every point the
 * same pressure: then the pressure is simulated from the speed, as a pen would press.
 */
export function strokePath(points: readonly number[], size: number): string {
  const input: [number, number, number][] = [];
  for (let i = 0; i + 2 < points.length; i += 3)
    input.push([points[i]!, points[i + 1]!, points[i + 2]!]);
  const flat = input.every((p) => p[2] === input[0]?.[2]);
  const outline = getStroke(input, {
    size: size * 1.6,
    thinning: 0.55,
    smoothing: 0.5,
    streamline: 0.4,
    simulatePressure: flat,
    last: true,
  });
  if (outline.length === 0) return '';
  if (outline.length < 4) {
    const [x, y] = outline[0]!;
    const r = size / 2;
    return `M ${x - r} ${y} a ${r} ${r} 0 1 0 ${2 * r} 0 a ${r} ${r} 0 1 0 ${-2 * r} 0`;
  }
  let d = `M ${outline[0]![0].toFixed(2)} ${outline[0]![1].toFixed(2)} Q`;
  for (let i = 0; i < outline.length; i++) {
    const [x0, y0] = outline[i]!;
    const [x1, y1] = outline[(i + 1) % outline.length]!;
    d += ` ${x0.toFixed(2)} ${y0.toFixed(2)} ${((x0 + x1) / 2).toFixed(2)} ${((y0 + y1) / 2).toFixed(2)}`;
  }
  return `${d} Z`;
}
