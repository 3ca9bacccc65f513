import type { ChatRepository, StoredChat } from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const COLUMNS =
  'id, room, seq, person_id AS "personId", name, text, to_person AS "toPerson", sent_at AS "sentAt"';

/** Chat history in PostgreSQL. */
export class PostgresChatRepository implements ChatRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  append(m: Omit<StoredChat, 'seq'>): StoredChat {
    // One statement, one transaction: the room's counter row is taken (concurrent writers on other
    // nodes wait for it) and the message stored with the next seq. A room's first message starts
    // after any it already has.
    const [row] = this.#db.query<{ seq: number }>(
      `WITH next AS (
         INSERT INTO chat_room_seqs (room, seq)
         VALUES ($2::text, (SELECT COALESCE(MAX(seq), 0) + 1 FROM chat_messages WHERE room = $2))
         ON CONFLICT (room) DO UPDATE SET seq = chat_room_seqs.seq + 1
         RETURNING seq)
       INSERT INTO chat_messages (id, room, seq, person_id, name, text, to_person, sent_at)
       SELECT $1::text, $2::text, next.seq, $3::text, $4::text, $5::text, $6::text, $7::bigint
       FROM next
       RETURNING seq`,
      [m.id, m.room, m.personId, m.name, m.text, m.toPerson, m.sentAt],
    );
    return { ...m, seq: row!.seq };
  }

  page(room: string, viewerId: string, limit: number, beforeSeq?: number): StoredChat[] {
    const rows = this.#db.query<StoredChat>(
      `SELECT ${COLUMNS} FROM chat_messages
       WHERE room = $1 AND seq < $2 AND (to_person = '' OR to_person = $3 OR person_id = $3)
       ORDER BY seq DESC LIMIT $4`,
      [room, beforeSeq || Number.MAX_SAFE_INTEGER, viewerId, limit],
    );
    return rows.reverse();
  }
}
