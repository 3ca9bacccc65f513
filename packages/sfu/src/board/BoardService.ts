import type { Logger } from 'pino';
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { Classroom } from '../Classroom.js';
import type { ClassroomDirectory } from '../rooms/ClassroomDirectory.js';
import { ClassroomBoard, type BoardLimits, type BoardStore } from './ClassroomBoard.js';

/** A snapshot of each open board at most this often (when it changed). */
const SNAPSHOT_EVERY_MS = 60_000;

/**
 * The boards of every classroom: one `ClassroomBoard` per open classroom, loaded from the school's
 * store as it opens (the board outlives the classroom and a restart), snapshotted now and then and
 * when the classroom closes.
 */
export class BoardService {
  readonly #rooms = new Map<string, ClassroomBoard>();
  readonly #options: {
    store: BoardStore | undefined;
    limits?: Partial<BoardLimits>;
    logger: Logger;
  };
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(
    classrooms: ClassroomDirectory,
    options: { store: BoardStore | undefined; limits?: Partial<BoardLimits>; logger: Logger },
  ) {
    this.#options = options;
    classrooms.on('opened', (classroom) => this.#attach(classroom));
    this.#timer = setInterval(() => {
      for (const board of this.#rooms.values()) board.snapshot();
    }, SNAPSHOT_EVERY_MS);
    this.#timer.unref();
  }

  /** The board of an open classroom. */
  forRoom(room: string): ClassroomBoard {
    const board = this.#rooms.get(room);
    if (!board) throw new CosmoError(ErrorCode.UNAVAILABLE, 'the board is not ready');
    return board;
  }

  close(): void {
    clearInterval(this.#timer);
    for (const board of this.#rooms.values()) board.close();
    this.#rooms.clear();
  }

  #attach(classroom: Classroom): void {
    let board: ClassroomBoard;
    try {
      board = new ClassroomBoard(classroom, this.#options);
    } catch (err) {
      // A stored board that cannot be read: the lecture goes on with an empty one; the stored
      // changes stay for an operator to look at.
      this.#options.logger.error({ err, room: classroom.room }, 'cannot load the board');
      board = new ClassroomBoard(classroom, { ...this.#options, store: undefined });
    }
    this.#rooms.set(classroom.room, board);
    classroom.once('closed', () => {
      board.close();
      if (this.#rooms.get(classroom.room) === board) this.#rooms.delete(classroom.room);
    });
  }
}
