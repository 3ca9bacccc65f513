import { GroupCommit } from './GroupCommit.js';
import type { BoardRepository, BoardUpdateRecord } from './repositories.js';

type NewBoardUpdate = Omit<BoardUpdateRecord, 'seq'>;

function checkRoom(room: string): void {
  if (typeof room !== 'string' || room === '') throw new TypeError('a board needs a room');
}

function checkTime(name: string, ms: number): void {
  if (!Number.isSafeInteger(ms)) throw new TypeError(`${name} must be a whole number of Unix ms`);
}

/**
 * Classrooms' boards as the school keeps them. A change is committed with the others that arrive
 * in the same turn of the event loop: one flush of the disk costs ~5 ms (SQLite, synchronous =
 * FULL) or ~3 ms (PostgreSQL) and holds the event loop, and a class drawing sends ~30 changes a
 * second per student. The other operations first commit the changes waiting, so that each sees
 * every change asked for before it.
 */
export class SchoolBoards {
  readonly #repo: BoardRepository;
  readonly #appends: GroupCommit<NewBoardUpdate, number>;

  constructor(repo: BoardRepository) {
    this.#repo = repo;
    this.#appends = new GroupCommit((changes) => repo.appendMany(changes));
  }

  append(room: string, update: Uint8Array, identity: string, at: number): Promise<number> {
    checkRoom(room);
    if (!(update instanceof Uint8Array)) throw new TypeError('a board change must be bytes');
    checkTime('at', at);
    return this.#appends.add({ room, update, identity, at });
  }

  load(room: string): ReturnType<BoardRepository['load']> {
    checkRoom(room);
    this.flush();
    return this.#repo.load(room);
  }

  saveSnapshot(room: string, snapshot: Uint8Array, uptoSeq: number): void {
    checkRoom(room);
    if (!(snapshot instanceof Uint8Array)) throw new TypeError('a board snapshot must be bytes');
    if (!Number.isSafeInteger(uptoSeq) || uptoSeq < 0)
      throw new TypeError('uptoSeq must be the seq of a change (0 for none)');
    this.flush();
    this.#repo.saveSnapshot(room, snapshot, uptoSeq);
  }

  history(room: string, fromAt: number, toAt: number): BoardUpdateRecord[] {
    checkRoom(room);
    checkTime('fromAt', fromAt);
    checkTime('toAt', toAt);
    this.flush();
    return this.#repo.history(room, fromAt, toAt);
  }

  prune(room: string, before: number): number {
    checkRoom(room);
    checkTime('before', before);
    this.flush();
    return this.#repo.prune(room, before);
  }

  clear(room: string): void {
    checkRoom(room);
    this.flush();
    this.#repo.clear(room);
  }

  /** Commits the changes waiting now (before the other operations, and before the store closes). */
  flush(): void {
    this.#appends.flush();
  }
}
