import { describe, expect, it } from 'vitest';
import { BOARD_LIMITS, type BoardShape } from '@cosmo/core';
import { centredBox, hitsShape, thinStroke, type StrokePoint } from './board-geometry.js';

const base = { id: 'a', by: 'aiko', at: 0, color: '#000000', size: 4 };

describe('board geometry', () => {
  it('thins a long stroke to the server limit, keeping its ends', () => {
    const points: StrokePoint[] = [];
    for (let i = 0; i < 9000; i++) points.push([i * 0.2, Math.sin(i / 50) * 100 + 400, 0.5]);
    const flat = thinStroke(points);
    expect(flat.length % 3).toBe(0);
    expect(flat.length / 3).toBeLessThanOrEqual(BOARD_LIMITS.strokePoints);
    expect(flat.slice(0, 2)).toEqual([0, 400]);
    expect(flat.at(-3)).toBeCloseTo(8999 * 0.2, 0);
  });

  it('drops points that barely moved, and keeps a dot as one point', () => {
    expect(
      thinStroke([
        [10, 10, 0.4],
        [10.2, 10.1, 0.5],
        [10.3, 10, 0.6],
      ]).length,
    ).toBe(3);
    expect(
      thinStroke([
        [10, 10, 1.4],
        [30, 10, 0.5],
      ]),
    ).toEqual([10, 10, 1, 30, 10, 0.5]);
  });

  it('finds the shapes under the eraser, not those beside it', () => {
    const stroke: BoardShape = { ...base, t: 'stroke', points: [0, 0, 0.5, 100, 0, 0.5] };
    expect(hitsShape(stroke, 50, 3, 4)).toBe(true);
    expect(hitsShape(stroke, 50, 30, 4)).toBe(false);
    const rect: BoardShape = { ...base, t: 'rect', x1: 100, y1: 100, x2: 300, y2: 200 };
    expect(hitsShape(rect, 100, 150, 4)).toBe(true);
    expect(hitsShape(rect, 200, 150, 4)).toBe(false);
    const ellipse: BoardShape = { ...base, t: 'ellipse', x1: 0, y1: 0, x2: 200, y2: 100 };
    expect(hitsShape(ellipse, 200, 50, 4)).toBe(true);
    expect(hitsShape(ellipse, 100, 50, 4)).toBe(false);
    const text: BoardShape = { ...base, t: 'text', x: 10, y: 10, text: '日本語', size: 40 };
    expect(hitsShape(text, 100, 30, 4)).toBe(true);
    expect(hitsShape(text, 200, 30, 4)).toBe(false);
  });

  it('centres a picture on the page at its own proportions', () => {
    const box = centredBox(2);
    expect(box.w / box.h).toBeCloseTo(2, 1);
    expect(box.x * 2 + box.w).toBeCloseTo(1600, -1);
    expect(box.y * 2 + box.h).toBeCloseTo(900, -1);
  });
});
