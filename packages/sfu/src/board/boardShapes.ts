import { z } from 'zod';
import { BOARD_HEIGHT, BOARD_LIMITS, BOARD_WIDTH, type BoardShape } from '@cosmo/core';

/** Page ids: short, safe in keys and file names. */
export const PAGE_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A coordinate: on the page, or a little off it (a stroke may leave the page). */
const x = z
  .number()
  .finite()
  .min(-BOARD_WIDTH)
  .max(BOARD_WIDTH * 2);
const y = z
  .number()
  .finite()
  .min(-BOARD_HEIGHT)
  .max(BOARD_HEIGHT * 2);

const base = {
  id: z.string().min(1).max(64),
  by: z.string().min(1).max(200),
  // Unix ms, up to the year 2100.
  at: z.number().finite().nonnegative().max(4_102_444_800_000),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  size: z.number().finite().min(0.5).max(200),
};

const stroke = z
  .object({
    ...base,
    t: z.literal('stroke'),
    points: z
      .array(
        z
          .number()
          .finite()
          .min(-BOARD_WIDTH)
          .max(BOARD_WIDTH * 2),
      )
      .min(3)
      .max(BOARD_LIMITS.strokePoints * 3)
      .refine((p) => p.length % 3 === 0, 'points come as x, y, pressure triples')
      .refine(
        (p) => p.every((v, i) => i % 3 !== 2 || (v >= 0 && v <= 1)),
        'a pressure is between 0 and 1',
      ),
  })
  .strict();

const figure = z
  .object({
    ...base,
    t: z.enum(['line', 'arrow', 'rect', 'ellipse']),
    x1: x,
    y1: y,
    x2: x,
    y2: y,
  })
  .strict();

const text = z
  .object({
    ...base,
    t: z.literal('text'),
    x,
    y,
    // Characters as people count them (a rare hanzi or an emoji is one, not two UTF-16 units).
    text: z
      .string()
      .min(1)
      .refine((s) => [...s].length <= BOARD_LIMITS.textChars, {
        message: `at most ${BOARD_LIMITS.textChars} characters`,
      }),
  })
  .strict();

const image = z
  .object({
    ...base,
    t: z.literal('image'),
    // A handout's id (never a URL or a path: clients fetch it from the handout API).
    handoutId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
    x,
    y,
    w: z
      .number()
      .finite()
      .positive()
      .max(BOARD_WIDTH * 2),
    h: z
      .number()
      .finite()
      .positive()
      .max(BOARD_HEIGHT * 2),
  })
  .strict();

const shape = z.discriminatedUnion('t', [stroke, figure, text, image]);

/** A shape as the board accepts it, or a one-line reason it does not. */
export function parseShape(value: unknown): { shape: BoardShape } | { problem: string } {
  const parsed = shape.safeParse(value);
  if (parsed.success) return { shape: parsed.data as BoardShape };
  const issue = parsed.error.issues[0];
  return {
    problem: `${issue?.path.join('.') || 'shape'}: ${issue?.message ?? 'not a board shape'}`,
  };
}

/** Meta keys and their values (moderators only). */
export function metaProblem(key: string, value: unknown): string | undefined {
  if (key === 'stage') return typeof value === 'boolean' ? undefined : 'stage is true or false';
  if (key === 'page')
    return typeof value === 'string' && PAGE_ID.test(value) ? undefined : 'page is a page id';
  const locked = /^locked:(.+)$/.exec(key);
  if (locked && PAGE_ID.test(locked[1]!))
    return typeof value === 'boolean' ? undefined : 'a lock is true or false';
  return `unknown board setting ${JSON.stringify(key.slice(0, 40))}`;
}
