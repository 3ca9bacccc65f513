import type { Board } from '../Board.js';

export type { NewBoardShape } from '../Board.js';
export type { BoardCursor } from '../BoardCursors.js';

/** What the element uses of the SDK's `client.board`. */
export type BoardApi = Board;

/** The drawing tools (images come from the handouts menu, not a tool). */
export type BoardTool = 'pen' | 'line' | 'arrow' | 'rect' | 'ellipse' | 'text' | 'eraser';

/** Runs a board action; its error is shown rather than thrown. */
export type BoardRun = (action: (board: BoardApi) => unknown) => void;
