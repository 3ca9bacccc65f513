import { BOARD_HEIGHT, BOARD_LIMITS, BOARD_WIDTH, type BoardShape } from '@cosmo/core';

/** A point of a stroke being drawn: board units, pressure 0…1. */
export type StrokePoint = [x: number, y: number, pressure: number];

/**
 * The flat `x, y, pressure` triples a stroke stores: points closer than `minStep` board units to
 * the last one kept are dropped (a slow pen sends many), then, past `max`, every n-th is kept
 * (the first and last always), so a stroke never breaks the server's limit.
 */
export function thinStroke(
  points: readonly StrokePoint[],
  max: number = BOARD_LIMITS.strokePoints,
  minStep = 1.5,
): number[] {
  const kept: StrokePoint[] = [];
  for (const p of points) {
    const last = kept.at(-1);
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= minStep) kept.push(p);
  }
  const end = points.at(-1);
  if (end && kept.at(-1) !== end && kept.length > 1) kept[kept.length - 1] = end;
  let out = kept;
  if (kept.length > max) {
    out = [];
    const step = (kept.length - 1) / (max - 1);
    for (let i = 0; i < max; i++) out.push(kept[Math.round(i * step)]!);
  }
  return out.flatMap(([x, y, p]) => [round(x), round(y), Math.round(clamp(p, 0, 1) * 100) / 100]);
}

const round = (v: number) => Math.round(v * 10) / 10;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** A point clamped into the page. */
export function clampToPage(x: number, y: number): [number, number] {
  return [clamp(x, 0, BOARD_WIDTH), clamp(y, 0, BOARD_HEIGHT)];
}

/** Distance from point p to the segment a–b. */
function segmentDistance(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : clamp(((px - ax) * dx + (py - ay) * dy) / len, 0, 1);
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The width a text of `size` takes, roughly (CJK characters are square, Latin about half). */
export function textBox(text: string, size: number): { w: number; h: number } {
  const lines = text.split('\n');
  const width = (line: string) =>
    [...line].reduce(
      (w, ch) => w + (/[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch) ? 1 : 0.6),
      0,
    );
  return {
    w: Math.max(...lines.map(width)) * size,
    h: lines.length * size * 1.25,
  };
}

/**
 * Whether the point x, y (board units) touches a shape, within `tolerance`: the eraser's test.
 * Outlines count for rectangles and ellipses (erasing inside a frame keeps what is drawn in it).
 */
export function hitsShape(shape: BoardShape, x: number, y: number, tolerance: number): boolean {
  const reach = tolerance + shape.size / 2;
  switch (shape.t) {
    case 'stroke': {
      const p = shape.points;
      if (p.length < 6) return p.length >= 2 && Math.hypot(x - p[0]!, y - p[1]!) <= reach;
      for (let i = 3; i + 1 < p.length; i += 3)
        if (segmentDistance(x, y, p[i - 3]!, p[i - 2]!, p[i]!, p[i + 1]!) <= reach) return true;
      return false;
    }
    case 'line':
    case 'arrow':
      return segmentDistance(x, y, shape.x1, shape.y1, shape.x2, shape.y2) <= reach;
    case 'rect': {
      const [l, r] = [Math.min(shape.x1, shape.x2), Math.max(shape.x1, shape.x2)];
      const [t, b] = [Math.min(shape.y1, shape.y2), Math.max(shape.y1, shape.y2)];
      return (
        segmentDistance(x, y, l, t, r, t) <= reach ||
        segmentDistance(x, y, r, t, r, b) <= reach ||
        segmentDistance(x, y, r, b, l, b) <= reach ||
        segmentDistance(x, y, l, b, l, t) <= reach
      );
    }
    case 'ellipse': {
      const cx = (shape.x1 + shape.x2) / 2;
      const cy = (shape.y1 + shape.y2) / 2;
      const rx = Math.abs(shape.x2 - shape.x1) / 2;
      const ry = Math.abs(shape.y2 - shape.y1) / 2;
      if (rx < 1 || ry < 1) return Math.hypot(x - cx, y - cy) <= reach + Math.max(rx, ry);
      // Distance to the outline, approximately: how far the normalised radius is from 1.
      const k = Math.hypot((x - cx) / rx, (y - cy) / ry);
      return Math.abs(k - 1) * Math.min(rx, ry) <= reach;
    }
    case 'text': {
      const { w, h } = textBox(shape.text, shape.size);
      return (
        x >= shape.x - tolerance &&
        x <= shape.x + w + tolerance &&
        y >= shape.y - tolerance &&
        y <= shape.y + h + tolerance
      );
    }
    case 'image':
      return x >= shape.x && x <= shape.x + shape.w && y >= shape.y && y <= shape.y + shape.h;
  }
}

/** A box of the given aspect ratio, fitted into `maxW` × `maxH` and centred in the page. */
export function centredBox(
  aspect: number,
  maxW = BOARD_WIDTH * 0.6,
  maxH = BOARD_HEIGHT * 0.6,
): { x: number; y: number; w: number; h: number } {
  let w = maxW;
  let h = w / (aspect || 1);
  if (h > maxH) {
    h = maxH;
    w = h * (aspect || 1);
  }
  return {
    x: Math.round((BOARD_WIDTH - w) / 2),
    y: Math.round((BOARD_HEIGHT - h) / 2),
    w: Math.round(w),
    h: Math.round(h),
  };
}
