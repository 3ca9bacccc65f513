import type { BoardUpdateRecord } from './repositories.js';

/** A `board_updates` row, as SQLite and PostgreSQL both return it. */
export interface BoardUpdateRow {
  room: string;
  seq: number;
  data: Buffer;
  identity: string;
  at: number;
}

/** A board change from its row. */
export function boardUpdateFromRow(row: BoardUpdateRow): BoardUpdateRecord {
  return { room: row.room, seq: row.seq, update: row.data, identity: row.identity, at: row.at };
}

/**
 * The bytes as a Buffer over the same memory: both drivers bind a Buffer as a blob (a plain
 * Uint8Array, as Yjs makes, would not be taken for one by the PostgreSQL client).
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
