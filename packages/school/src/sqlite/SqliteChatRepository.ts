import type { Db } from '../SchoolDatabase.js';
import type { ChatRepository, StoredChat } from '../repositories.js';

const SELECT =
  'SELECT id, room, seq, person_id AS personId, name, text, to_person AS toPerson, sent_at AS sentAt FROM chat_messages';

/** Chat history in SQLite. */
export class SqliteChatRepository implements ChatRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  append(m: Omit<StoredChat, 'seq'>): StoredChat {
    const db = this.#db;
    return db.transaction(() => {
      const { next } = db
        .prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM chat_messages WHERE room = ?')
        .get(m.room) as {
        next: number;
      };
      db.prepare(
        'INSERT INTO chat_messages (id, room, seq, person_id, name, text, to_person, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(m.id, m.room, next, m.personId, m.name, m.text, m.toPerson, m.sentAt);
      return { ...m, seq: next };
    })();
  }

  page(room: string, viewerId: string, limit: number, beforeSeq?: number): StoredChat[] {
    const rows = this.#db
      .prepare(
        `${SELECT} WHERE room = ? AND seq < ? AND (to_person = '' OR to_person = ? OR person_id = ?)
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(room, beforeSeq || Number.MAX_SAFE_INTEGER, viewerId, viewerId, limit) as StoredChat[];
    return rows.reverse();
  }
}
