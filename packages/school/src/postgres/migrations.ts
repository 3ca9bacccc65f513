import type { PostgresDatabase } from './PostgresDatabase.js';

/**
 * The school database's schema in PostgreSQL: the SQLite migrations (`../migrations.ts`), same
 * numbers and names, in PostgreSQL's types (BIGINT ms timestamps, BOOLEAN flags, identity ids).
 * Never edit one that has shipped: add the next number, here and in SQLite.
 *
 * Beyond SQLite's: `chat_room_seqs` (the next chat seq per room, a row that concurrent writers on
 * several nodes take in turn), `notice_deliveries.claimed_by` (which database session claimed a
 * row, so that a node starting up requeues only the sends of a node that died), `COLLATE "C"`
 * on the ISO dates compared as text (byte order, as in SQLite, whatever the database's locale),
 * and `handout_content` (the handout files, which a single SQLite server keeps in a folder, shared
 * here by every node: see `PostgresContentStore`).
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'roster, attendance, leave, notices, chat',
    sql: `
      CREATE TABLE schools (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL
      );
      CREATE TABLE people (
        id TEXT PRIMARY KEY,
        school_id TEXT NOT NULL REFERENCES schools(id),
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('teacher', 'assistant', 'student', 'observer', 'admin'))
      );
      CREATE TABLE classes (
        id TEXT PRIMARY KEY,
        school_id TEXT NOT NULL REFERENCES schools(id),
        name TEXT NOT NULL
      );
      CREATE TABLE memberships (
        class_id TEXT NOT NULL REFERENCES classes(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        PRIMARY KEY (class_id, person_id)
      );
      CREATE INDEX memberships_person ON memberships(person_id);
      CREATE TABLE lectures (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES classes(id),
        title TEXT NOT NULL,
        starts_at BIGINT NOT NULL,
        ends_at BIGINT NOT NULL CHECK (ends_at > starts_at)
      );
      CREATE INDEX lectures_class ON lectures(class_id, starts_at);
      CREATE TABLE attendance_events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        lecture_id TEXT NOT NULL REFERENCES lectures(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        kind TEXT NOT NULL CHECK (kind IN ('join', 'leave')),
        at BIGINT NOT NULL
      );
      CREATE INDEX attendance_lecture ON attendance_events(lecture_id, person_id, at);
      CREATE TABLE leave_requests (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people(id),
        class_id TEXT NOT NULL REFERENCES classes(id),
        from_date TEXT COLLATE "C" NOT NULL,
        to_date TEXT COLLATE "C" NOT NULL CHECK (to_date >= from_date),
        reason TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        decided_by TEXT,
        comment TEXT,
        created_at BIGINT NOT NULL,
        decided_at BIGINT
      );
      CREATE INDEX leave_person ON leave_requests(person_id, from_date);
      CREATE TABLE notices (
        id TEXT PRIMARY KEY,
        school_id TEXT NOT NULL REFERENCES schools(id),
        audience TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        sender_name TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        urgent BOOLEAN NOT NULL,
        sent_at BIGINT NOT NULL,
        idempotency_key TEXT UNIQUE
      );
      CREATE TABLE notice_recipients (
        notice_id TEXT NOT NULL REFERENCES notices(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        delivered_at BIGINT,
        read_at BIGINT,
        reminders INTEGER NOT NULL DEFAULT 0,
        last_pushed_at BIGINT,
        PRIMARY KEY (notice_id, person_id)
      );
      CREATE INDEX recipients_person ON notice_recipients(person_id, delivered_at);
      CREATE INDEX recipients_unread ON notice_recipients(read_at, last_pushed_at);
      CREATE TABLE chat_messages (
        id TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        seq BIGINT NOT NULL,
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        to_person TEXT NOT NULL DEFAULT '',
        sent_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX chat_room_seq ON chat_messages(room, seq);
      CREATE TABLE chat_room_seqs (
        room TEXT PRIMARY KEY,
        seq BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'handouts',
    sql: `
      CREATE TABLE handouts (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES classes(id),
        sha256 TEXT NOT NULL,
        filename TEXT NOT NULL,
        mime TEXT NOT NULL,
        size BIGINT NOT NULL,
        uploaded_by TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX handouts_class ON handouts(class_id, created_at);
      CREATE TABLE handout_downloads (
        handout_id TEXT NOT NULL REFERENCES handouts(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        count INTEGER NOT NULL,
        last_at BIGINT NOT NULL,
        PRIMARY KEY (handout_id, person_id)
      );
    `,
  },
  {
    version: 3,
    name: 'transcripts',
    sql: `
      CREATE TABLE transcript_lines (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        room TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        speaker TEXT NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        start_ms BIGINT NOT NULL,
        end_ms BIGINT NOT NULL
      );
      CREATE INDEX transcript_room ON transcript_lines(room, language, sequence);
    `,
  },
  {
    version: 4,
    name: 'receipt counters',
    sql: `
      ALTER TABLE notices ADD COLUMN recipient_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE notices ADD COLUMN delivered_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE notices ADD COLUMN read_count INTEGER NOT NULL DEFAULT 0;
      UPDATE notices SET
        recipient_count = (SELECT COUNT(*) FROM notice_recipients r WHERE r.notice_id = notices.id),
        delivered_count = (SELECT COUNT(delivered_at) FROM notice_recipients r WHERE r.notice_id = notices.id),
        read_count = (SELECT COUNT(read_at) FROM notice_recipients r WHERE r.notice_id = notices.id);
    `,
  },
  {
    version: 5,
    name: 'ended classes',
    sql: `
      CREATE TABLE ended_classes (
        room TEXT PRIMARY KEY,
        ended_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'uncertain transcript lines',
    sql: `
      ALTER TABLE transcript_lines ADD COLUMN uncertain BOOLEAN NOT NULL DEFAULT false;
    `,
  },
  {
    version: 7,
    name: 'contacts, push subscriptions, delivery ladder',
    sql: `
      CREATE TABLE person_contacts (
        person_id TEXT PRIMARY KEY REFERENCES people(id),
        email TEXT,
        guardian_email TEXT,
        notify_email TEXT NOT NULL DEFAULT 'all' CHECK (notify_email IN ('all', 'fallback', 'none'))
      );
      CREATE TABLE push_subscriptions (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people(id),
        endpoint TEXT NOT NULL UNIQUE,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        device TEXT NOT NULL DEFAULT '',
        created_at BIGINT NOT NULL
      );
      CREATE INDEX push_person ON push_subscriptions(person_id);
      ALTER TABLE notices ADD COLUMN email_after_ms BIGINT;
      ALTER TABLE notice_recipients ADD COLUMN delivered_via TEXT;
      CREATE TABLE notice_deliveries (
        notice_id TEXT NOT NULL REFERENCES notices(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        channel TEXT NOT NULL CHECK (channel IN ('push', 'email', 'digest')),
        round INTEGER NOT NULL,
        due_at BIGINT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'skipped', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        claimed_at BIGINT,
        claimed_by TEXT,
        done_at BIGINT,
        detail TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (notice_id, person_id, channel, round)
      );
      CREATE INDEX deliveries_due ON notice_deliveries(state, due_at);
    `,
  },
  {
    version: 8,
    name: 'handout content',
    sql: `
      CREATE TABLE handout_content (
        sha256 TEXT PRIMARY KEY,
        bytes BYTEA NOT NULL,
        size BIGINT,
        created_at BIGINT
      );
    `,
  },
  {
    version: 9,
    name: 'waiting rooms',
    sql: `
      CREATE TABLE waiting_rooms (
        room TEXT PRIMARY KEY,
        enabled BOOLEAN NOT NULL,
        admit_roster BOOLEAN NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: 'polls',
    sql: `
      CREATE TABLE polls (
        id TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        question TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'text')),
        anonymous BOOLEAN NOT NULL,
        quiz BOOLEAN NOT NULL,
        started_at BIGINT NOT NULL,
        closed_at BIGINT,
        results_shown BOOLEAN NOT NULL DEFAULT false
      );
      CREATE INDEX polls_room ON polls(room, started_at);
      CREATE TABLE poll_answers (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        choices TEXT NOT NULL,
        text TEXT NOT NULL,
        answered_at BIGINT NOT NULL,
        PRIMARY KEY (poll_id, person_id)
      );
      CREATE TABLE poll_voters (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        person_id TEXT NOT NULL,
        PRIMARY KEY (poll_id, person_id)
      );
      CREATE TABLE poll_tallies (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        option INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (poll_id, option)
      );
      CREATE TABLE poll_texts (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        text TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (poll_id, text)
      );
      CREATE TABLE prepared_polls (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL,
        question TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX prepared_polls_class ON prepared_polls(class_id, updated_at);
    `,
  },
  {
    version: 11,
    name: 'recordings',
    // Recorded lectures (issue 22): the files are under <dataDir>/recordings/<id>/; the record
    // says whose they are (class and school from the roster when recorded, '' for a room the
    // roster does not know), how far publishing got, and when they are purged. Caption languages
    // and chapters are JSON text.
    sql: `
      CREATE TABLE recordings (
        id TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        class_id TEXT NOT NULL,
        school_id TEXT NOT NULL,
        lecture_id TEXT NOT NULL,
        title TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        ended_at BIGINT NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('recording', 'stopped', 'publishing', 'ready', 'failed')),
        progress DOUBLE PRECISION NOT NULL,
        duration_ms BIGINT NOT NULL,
        bytes BIGINT NOT NULL,
        languages TEXT NOT NULL,
        chapters TEXT NOT NULL,
        allow_download BOOLEAN NOT NULL,
        error TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        started_by TEXT NOT NULL
      );
      CREATE INDEX recordings_class ON recordings(class_id, started_at);
      CREATE INDEX recordings_room ON recordings(room, started_at);
      CREATE INDEX recordings_school ON recordings(school_id, started_at);
      CREATE INDEX recordings_expires ON recordings(expires_at);
    `,
  },
  {
    version: 12,
    name: 'boards',
    // Beyond SQLite's: `board_seqs`, the last seq given per room (never below the snapshot's), a
    // row that concurrent writers on several nodes take in turn, as `chat_room_seqs` does.
    sql: `
      CREATE TABLE board_updates (
        room TEXT NOT NULL,
        seq BIGINT NOT NULL,
        data BYTEA NOT NULL,
        identity TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (room, seq)
      );
      CREATE INDEX board_updates_at ON board_updates(room, at);
      CREATE TABLE board_snapshots (
        room TEXT PRIMARY KEY,
        snapshot BYTEA NOT NULL,
        upto_seq BIGINT NOT NULL
      );
      CREATE TABLE board_seqs (
        room TEXT PRIMARY KEY,
        seq BIGINT NOT NULL
      );
    `,
  },
];

/**
 * Applies the migrations this database has not seen yet, in one transaction; returns how many ran.
 * Nodes starting together take turns on an advisory lock (one per schema): the first migrates,
 * the others find the migrations applied.
 */
export function migratePostgres(db: PostgresDatabase): number {
  return db.transaction(() => {
    db.query(
      "SELECT pg_advisory_xact_lock(hashtext('cosmo schema_migrations ' || current_schema()))",
    );
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      db.query<{ version: number }>('SELECT version FROM schema_migrations').map((r) => r.version),
    );
    const newest = Math.max(0, ...applied);
    const known = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));
    if (newest > known) {
      throw new Error(
        `the database is at schema ${newest}, newer than this server knows (${known}): upgrade Cosmo`,
      );
    }
    let ran = 0;
    for (const m of POSTGRES_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      ran++;
    }
    return ran;
  });
}
