/**
 * The school database's schema, as numbered migrations. Never edit one that has shipped: add the
 * next number.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
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
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL CHECK (ends_at > starts_at)
      );
      CREATE INDEX lectures_class ON lectures(class_id, starts_at);
      CREATE TABLE attendance_events (
        id INTEGER PRIMARY KEY,
        lecture_id TEXT NOT NULL REFERENCES lectures(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        kind TEXT NOT NULL CHECK (kind IN ('join', 'leave')),
        at INTEGER NOT NULL
      );
      CREATE INDEX attendance_lecture ON attendance_events(lecture_id, person_id, at);
      CREATE TABLE leave_requests (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people(id),
        class_id TEXT NOT NULL REFERENCES classes(id),
        from_date TEXT NOT NULL,
        to_date TEXT NOT NULL CHECK (to_date >= from_date),
        reason TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        decided_by TEXT,
        comment TEXT,
        created_at INTEGER NOT NULL,
        decided_at INTEGER
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
        urgent INTEGER NOT NULL,
        sent_at INTEGER NOT NULL,
        idempotency_key TEXT UNIQUE
      );
      CREATE TABLE notice_recipients (
        notice_id TEXT NOT NULL REFERENCES notices(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        delivered_at INTEGER,
        read_at INTEGER,
        reminders INTEGER NOT NULL DEFAULT 0,
        last_pushed_at INTEGER,
        PRIMARY KEY (notice_id, person_id)
      );
      CREATE INDEX recipients_person ON notice_recipients(person_id, delivered_at);
      CREATE INDEX recipients_unread ON notice_recipients(read_at, last_pushed_at);
      CREATE TABLE chat_messages (
        id TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        seq INTEGER NOT NULL,
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        to_person TEXT NOT NULL DEFAULT '',
        sent_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX chat_room_seq ON chat_messages(room, seq);
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
        size INTEGER NOT NULL,
        uploaded_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX handouts_class ON handouts(class_id, created_at);
      CREATE TABLE handout_downloads (
        handout_id TEXT NOT NULL REFERENCES handouts(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        count INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        PRIMARY KEY (handout_id, person_id)
      );
    `,
  },
  {
    version: 3,
    name: 'transcripts',
    sql: `
      CREATE TABLE transcript_lines (
        id INTEGER PRIMARY KEY,
        room TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        speaker TEXT NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL
      );
      CREATE INDEX transcript_room ON transcript_lines(room, language, sequence);
    `,
  },
  {
    version: 4,
    name: 'receipt counters',
    // A receipt summary was a COUNT over every recipient, once per receipt: 20,000 receipts of a
    // notice to 10,000 students scanned 10^8 rows. The counters move with each receipt instead.
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
        ended_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'uncertain transcript lines',
    // A line the recogniser was unsure of (issue 16): its export marks it so a reader knows.
    sql: `
      ALTER TABLE transcript_lines ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    name: 'contacts, push subscriptions, delivery ladder',
    // A notice reaches the closed page (issue: urgent notices within a minute): a person's email
    // addresses and preference, their browsers' push subscriptions, and the ladder's queue with one
    // row per (notice, recipient, channel, round), so that each is sent once per round. `digest`
    // rows are a non-urgent notice's line in its recipient's daily email.
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
        created_at INTEGER NOT NULL
      );
      CREATE INDEX push_person ON push_subscriptions(person_id);
      ALTER TABLE notices ADD COLUMN email_after_ms INTEGER;
      ALTER TABLE notice_recipients ADD COLUMN delivered_via TEXT;
      CREATE TABLE notice_deliveries (
        notice_id TEXT NOT NULL REFERENCES notices(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        channel TEXT NOT NULL CHECK (channel IN ('push', 'email', 'digest')),
        round INTEGER NOT NULL,
        due_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'skipped', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        claimed_at INTEGER,
        done_at INTEGER,
        detail TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (notice_id, person_id, channel, round)
      );
      CREATE INDEX deliveries_due ON notice_deliveries(state, due_at);
    `,
  },
  {
    version: 8,
    name: 'handout content',
    // PostgreSQL's 8 keeps the handout files in the database, shared by a cluster's nodes; one
    // SQLite server keeps them in its folder (ContentStore). Empty here so the numbers stay one.
    sql: '',
  },
  {
    version: 9,
    name: 'waiting rooms',
    // A room's waiting room as its moderators set it (issue 21): kept, so that a restart does not
    // silently open a waiting room that its teacher closed.
    sql: `
      CREATE TABLE waiting_rooms (
        room TEXT PRIMARY KEY,
        enabled INTEGER NOT NULL,
        admit_roster INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: 'polls',
    // Polls and quizzes of lecture rooms (issue 21). A named poll keeps who answered what
    // (poll_answers); an anonymous one keeps who answered (poll_voters) apart from totals that
    // name nobody (poll_tallies, poll_texts). These are WITHOUT ROWID, ordered by their keys, so
    // not even the order of insertion ties a voter to a total.
    sql: `
      CREATE TABLE polls (
        id TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        question TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'text')),
        anonymous INTEGER NOT NULL,
        quiz INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        closed_at INTEGER,
        results_shown INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX polls_room ON polls(room, started_at);
      CREATE TABLE poll_answers (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        choices TEXT NOT NULL,
        text TEXT NOT NULL,
        answered_at INTEGER NOT NULL,
        PRIMARY KEY (poll_id, person_id)
      );
      CREATE TABLE poll_voters (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        person_id TEXT NOT NULL,
        PRIMARY KEY (poll_id, person_id)
      ) WITHOUT ROWID;
      CREATE TABLE poll_tallies (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        option INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (poll_id, option)
      ) WITHOUT ROWID;
      CREATE TABLE poll_texts (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        text TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (poll_id, text)
      ) WITHOUT ROWID;
      CREATE TABLE prepared_polls (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL,
        question TEXT NOT NULL,
        updated_at INTEGER NOT NULL
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
        started_at INTEGER NOT NULL,
        ended_at INTEGER NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('recording', 'stopped', 'publishing', 'ready', 'failed')),
        progress REAL NOT NULL,
        duration_ms INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        languages TEXT NOT NULL,
        chapters TEXT NOT NULL,
        allow_download INTEGER NOT NULL,
        error TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
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
    // Classrooms' shared whiteboards (Yjs documents): each change as it was applied, numbered per
    // room, and the latest snapshot with the last change it holds. A restart loads the snapshot
    // and the changes after it; a recording replays the changes by time. A change is ~2 KiB, too
    // big for WITHOUT ROWID to pay.
    sql: `
      CREATE TABLE board_updates (
        room TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        identity TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (room, seq)
      );
      CREATE INDEX board_updates_at ON board_updates(room, at);
      CREATE TABLE board_snapshots (
        room TEXT PRIMARY KEY,
        snapshot BLOB NOT NULL,
        upto_seq INTEGER NOT NULL
      );
    `,
  },
];
