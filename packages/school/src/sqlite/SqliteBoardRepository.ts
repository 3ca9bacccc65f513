import type { Db } from '../SchoolDatabase.js';
import type { BoardRepository, BoardUpdateRecord } from '../repositories.js';
import { asBuffer, boardUpdateFromRow, type BoardUpdateRow } from '../boardRows.js';

const SELECT_UPDATE = 'SELECT room, seq, data, identity, at FROM board_updates';

/** Classrooms' boards in SQLite: their changes, in order, and the latest snapshot of each. */
export class SqliteBoardRepository implements BoardRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  append(room: string, update: Uint8Array, identity: string, at: number): number {
    return this.appendMany([{ room, update, identity, at }])[0]!;
  }

  appendMany(changes: readonly Omit<BoardUpdateRecord, 'seq'>[]): number[] {
    const db = this.#db;
    // The next seq follows the room's last change, or its snapshot's when `prune` left no change
    // after it. One transaction: one disk flush (synchronous = FULL) for the whole batch.
    const insert = db
      .prepare(
        `INSERT INTO board_updates (room, seq, data, identity, at)
         VALUES (?, 1 + MAX(
           (SELECT COALESCE(MAX(seq), 0) FROM board_updates WHERE room = ?),
           (SELECT COALESCE(MAX(upto_seq), 0) FROM board_snapshots WHERE room = ?)), ?, ?, ?)
         RETURNING seq`,
      )
      .pluck();
    return db.transaction(() =>
      changes.map(
        (c) => insert.get(c.room, c.room, c.room, asBuffer(c.update), c.identity, c.at) as number,
      ),
    )();
  }

  load(room: string): {
    snapshot: Uint8Array | undefined;
    snapshotSeq: number;
    updates: BoardUpdateRecord[];
  } {
    const db = this.#db;
    return db.transaction(() => {
      const snap = db
        .prepare('SELECT snapshot, upto_seq FROM board_snapshots WHERE room = ?')
        .get(room) as { snapshot: Buffer; upto_seq: number } | undefined;
      const snapshotSeq = snap?.upto_seq ?? 0;
      const rows = db
        .prepare(`${SELECT_UPDATE} WHERE room = ? AND seq > ? ORDER BY seq`)
        .all(room, snapshotSeq) as BoardUpdateRow[];
      return { snapshot: snap?.snapshot, snapshotSeq, updates: rows.map(boardUpdateFromRow) };
    })();
  }

  /** A snapshot older than the one kept is ignored: the changes it lacks may be pruned already. */
  saveSnapshot(room: string, snapshot: Uint8Array, uptoSeq: number): void {
    this.#db
      .prepare(
        `INSERT INTO board_snapshots (room, snapshot, upto_seq) VALUES (?, ?, ?)
         ON CONFLICT (room) DO UPDATE SET snapshot = excluded.snapshot, upto_seq = excluded.upto_seq
         WHERE excluded.upto_seq >= board_snapshots.upto_seq`,
      )
      .run(room, asBuffer(snapshot), uptoSeq);
  }

  history(room: string, fromAt: number, toAt: number): BoardUpdateRecord[] {
    const rows = this.#db
      .prepare(`${SELECT_UPDATE} WHERE room = ? AND at BETWEEN ? AND ? ORDER BY seq`)
      .all(room, fromAt, toAt) as BoardUpdateRow[];
    return rows.map(boardUpdateFromRow);
  }

  prune(room: string, before: number): number {
    return this.#db
      .prepare(
        `DELETE FROM board_updates WHERE room = ? AND at < ?
           AND seq <= (SELECT upto_seq FROM board_snapshots WHERE room = ?)`,
      )
      .run(room, before, room).changes;
  }

  clear(room: string): void {
    const db = this.#db;
    db.transaction(() => {
      db.prepare('DELETE FROM board_updates WHERE room = ?').run(room);
      db.prepare('DELETE FROM board_snapshots WHERE room = ?').run(room);
    })();
  }
}
