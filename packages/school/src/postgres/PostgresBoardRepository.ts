import { asBuffer, boardUpdateFromRow, type BoardUpdateRow } from '../boardRows.js';
import type { BoardRepository, BoardUpdateRecord } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const SELECT_UPDATE = 'SELECT room, seq, data, identity, at FROM board_updates';

/** Classrooms' boards in PostgreSQL: their changes, in order, and the latest snapshot of each. */
export class PostgresBoardRepository implements BoardRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  append(room: string, update: Uint8Array, identity: string, at: number): number {
    return this.appendMany([{ room, update, identity, at }])[0]!;
  }

  appendMany(changes: readonly Omit<BoardUpdateRecord, 'seq'>[]): number[] {
    const db = this.#db;
    // A statement per change, in one transaction: the room's counter row is taken (writers on
    // other nodes wait for it until the commit) and the change stored with the next seq. Not one
    // statement over arrays (`unnest`): 2 KiB changes as bytea array text measured ~1.3 times
    // slower than these round trips on loopback (30 changes a batch, 0.26 against 0.2 ms each).
    const one = (c: Omit<BoardUpdateRecord, 'seq'>) =>
      db.query<{ seq: number }>(
        `WITH next AS (
           INSERT INTO board_seqs (room, seq) VALUES ($1::text, 1)
           ON CONFLICT (room) DO UPDATE SET seq = board_seqs.seq + 1
           RETURNING seq)
         INSERT INTO board_updates (room, seq, data, identity, at)
         SELECT $1::text, next.seq, $2::bytea, $3::text, $4::bigint FROM next
         RETURNING seq`,
        [c.room, asBuffer(c.update), c.identity, c.at],
      )[0]!.seq;
    return changes.length === 1 ? [one(changes[0]!)] : db.transaction(() => changes.map(one));
  }

  load(room: string): {
    snapshot: Uint8Array | undefined;
    snapshotSeq: number;
    updates: BoardUpdateRecord[];
  } {
    const db = this.#db;
    return db.transaction(() => {
      // Both reads see the same moment: another node's snapshot and prune in between would
      // otherwise drop changes that neither the old snapshot nor the rows read hold.
      db.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const [snap] = db.query<{ snapshot: Buffer; upto_seq: number }>(
        'SELECT snapshot, upto_seq FROM board_snapshots WHERE room = $1',
        [room],
      );
      const snapshotSeq = snap?.upto_seq ?? 0;
      const updates = db
        .query<BoardUpdateRow>(`${SELECT_UPDATE} WHERE room = $1 AND seq > $2 ORDER BY seq`, [
          room,
          snapshotSeq,
        ])
        .map(boardUpdateFromRow);
      return { snapshot: snap?.snapshot, snapshotSeq, updates };
    });
  }

  /** A snapshot older than the one kept is ignored: the changes it lacks may be pruned already. */
  saveSnapshot(room: string, snapshot: Uint8Array, uptoSeq: number): void {
    const db = this.#db;
    db.transaction(() => {
      db.query(
        `INSERT INTO board_snapshots (room, snapshot, upto_seq) VALUES ($1, $2, $3)
         ON CONFLICT (room) DO UPDATE SET snapshot = excluded.snapshot, upto_seq = excluded.upto_seq
         WHERE excluded.upto_seq >= board_snapshots.upto_seq`,
        [room, asBuffer(snapshot), uptoSeq],
      );
      // The next change must come after the snapshot, even when `prune` leaves none after it.
      db.query(
        `INSERT INTO board_seqs (room, seq) VALUES ($1, $2)
         ON CONFLICT (room) DO UPDATE SET seq = GREATEST(board_seqs.seq, excluded.seq)`,
        [room, uptoSeq],
      );
    });
  }

  history(room: string, fromAt: number, toAt: number): BoardUpdateRecord[] {
    return this.#db
      .query<BoardUpdateRow>(
        `${SELECT_UPDATE} WHERE room = $1 AND at BETWEEN $2 AND $3 ORDER BY seq`,
        [room, fromAt, toAt],
      )
      .map(boardUpdateFromRow);
  }

  prune(room: string, before: number): number {
    const [row] = this.#db.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM board_updates WHERE room = $1 AND at < $2
           AND seq <= (SELECT upto_seq FROM board_snapshots WHERE room = $1)
         RETURNING 1)
       SELECT COUNT(*) AS n FROM gone`,
      [room, before],
    );
    return row!.n;
  }

  clear(room: string): void {
    const db = this.#db;
    db.transaction(() => {
      db.query('DELETE FROM board_updates WHERE room = $1', [room]);
      db.query('DELETE FROM board_snapshots WHERE room = $1', [room]);
      db.query('DELETE FROM board_seqs WHERE room = $1', [room]);
    });
  }
}
