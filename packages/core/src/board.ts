/**
 * The shared board's document (a Yjs document per classroom; docs/board.md). Root types:
 * - `pages`: Y.Array of page ids, in order (moderators add and remove pages);
 * - `page:<id>` (`boardPageKey`): Y.Array of `BoardShape`s, each an immutable JSON object (a change is
 *   a delete and an insert); students granted `draw` add their own and erase only their own;
 * - `meta`: Y.Map, moderators only: `stage` (boolean: the board is on stage), `page` (the page on
 *   stage), `locked:<id>` (boolean: students may not change that page).
 * Coordinates are in board units: a page is `BOARD_WIDTH` × `BOARD_HEIGHT`.
 */

export const BOARD_PAGES = 'pages';
export const BOARD_META = 'meta';
export const BOARD_PAGE_PREFIX = 'page:';
export const BOARD_WIDTH = 1600;
export const BOARD_HEIGHT = 900;

/** The root array holding a page's shapes. */
export const boardPageKey = (pageId: string): string => `${BOARD_PAGE_PREFIX}${pageId}`;
/** The meta key that locks a page for students. */
export const boardLockKey = (pageId: string): string => `locked:${pageId}`;

interface ShapeBase {
  /** Unique on the board (a random id). */
  id: string;
  /** The identity of who drew it: the server refuses a shape that claims someone else. */
  by: string;
  /** Unix ms when it was drawn. */
  at: number;
  /** CSS colour `#rrggbb`. */
  color: string;
  /** Line width or font size, in board units. */
  size: number;
}

/** A freehand stroke: points as flat `x, y, pressure` triples (pressure 0…1). */
export interface BoardStroke extends ShapeBase {
  t: 'stroke';
  points: number[];
}

/** A straight line, an arrow, a rectangle or an ellipse between two corners. */
export interface BoardFigure extends ShapeBase {
  t: 'line' | 'arrow' | 'rect' | 'ellipse';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Text (any script), its top-left corner at x, y. */
export interface BoardText extends ShapeBase {
  t: 'text';
  x: number;
  y: number;
  text: string;
}

/** A handout image (by handout id), placed in a box. */
export interface BoardImage extends ShapeBase {
  t: 'image';
  handoutId: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export type BoardShape = BoardStroke | BoardFigure | BoardText | BoardImage;

/** Limits the server enforces on shapes (and the SDK before sending). */
export const BOARD_LIMITS = {
  /** Points of one stroke (triples). */
  strokePoints: 2000,
  /** Characters of one text. */
  textChars: 500,
  /** Pages of a board. */
  pages: 50,
  /** Shapes on one page. */
  shapesPerPage: 5000,
} as const;

/**
 * Board messages are framed as y-websocket frames them: a varuint type, then the y-protocols
 * message: `BOARD_MESSAGE_SYNC` then a sync message (step 1, step 2 or update, `y-protocols/sync`),
 * or `BOARD_MESSAGE_AWARENESS` then a varUint8Array holding an awareness update
 * (`y-protocols/awareness` encodeAwarenessUpdate).
 */
export const BOARD_MESSAGE_SYNC = 0;
export const BOARD_MESSAGE_AWARENESS = 1;
