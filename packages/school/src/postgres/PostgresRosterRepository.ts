import type {
  Contact,
  Lecture,
  Person,
  RosterEntry,
  RosterRepository,
  School,
  SchoolClass,
} from '../repositories.js';
import type { PostgresDatabase } from './PostgresDatabase.js';

const PERSON = 'SELECT id, school_id AS "schoolId", name, role FROM people';
const LECTURE =
  'SELECT id, class_id AS "classId", title, starts_at AS "startsAt", ends_at AS "endsAt" FROM lectures';
const CONTACT =
  'person_id AS "personId", email, guardian_email AS "guardianEmail", notify_email AS "notifyEmail"';

/** The roster in PostgreSQL. */
export class PostgresRosterRepository implements RosterRepository {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  importEntries(entries: RosterEntry[]): { people: number; classes: number } {
    const db = this.#db;
    // Row by row, as in SQLite (a later row of the file wins; ownership is checked per row): an
    // import is rare, and each statement is prepared once.
    return db.transaction(() => {
      const people = new Set<string>();
      const classes = new Set<string>();
      for (const e of entries) {
        db.query(
          'INSERT INTO schools (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
          [e.schoolId, e.schoolName],
        );
        db.query(
          // The WHERE clauses keep another school's rows as they are even if a caller skipped the
          // ownership check (School.importRosterCsv refuses such rows with their line numbers).
          `INSERT INTO classes (id, school_id, name) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE classes.school_id = excluded.school_id`,
          [e.classId, e.schoolId, e.className],
        );
        db.query(
          `INSERT INTO people (id, school_id, name, role) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role
           WHERE people.school_id = excluded.school_id`,
          [e.personId, e.schoolId, e.personName, e.role],
        );
        db.query(
          'INSERT INTO memberships (class_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [e.classId, e.personId],
        );
        if (e.contact)
          db.query(
            // Only for a person of the row's school (the ownership rule above, once more).
            // A null preference keeps the one on record (`all` for someone new).
            `INSERT INTO person_contacts (person_id, email, guardian_email, notify_email)
             SELECT id, $1::text, $2::text, COALESCE($3::text, 'all') FROM people
             WHERE id = $4 AND school_id = $5
             ON CONFLICT (person_id) DO UPDATE SET email = excluded.email,
               guardian_email = excluded.guardian_email,
               notify_email = CASE WHEN $3::text IS NULL THEN person_contacts.notify_email
                                   ELSE excluded.notify_email END`,
            [
              e.contact.email,
              e.contact.guardianEmail,
              e.contact.notifyEmail,
              e.personId,
              e.schoolId,
            ],
          );
        people.add(e.personId);
        classes.add(e.classId);
      }
      return { people: people.size, classes: classes.size };
    });
  }

  person(id: string): Person | undefined {
    return this.#db.query<Person>(`${PERSON} WHERE id = $1`, [id])[0];
  }

  school(id: string): School | undefined {
    return this.#db.query<School>('SELECT id, name FROM schools WHERE id = $1', [id])[0];
  }

  schoolClass(id: string): SchoolClass | undefined {
    return this.#db.query<SchoolClass>(
      'SELECT id, school_id AS "schoolId", name FROM classes WHERE id = $1',
      [id],
    )[0];
  }

  classMembers(classId: string): Person[] {
    return this.#db.query<Person>(
      `${PERSON} WHERE id IN (SELECT person_id FROM memberships WHERE class_id = $1)
       ORDER BY name COLLATE "C"`,
      [classId],
    );
  }

  schoolMembers(schoolId: string): Person[] {
    return this.#db.query<Person>(`${PERSON} WHERE school_id = $1 ORDER BY name COLLATE "C"`, [
      schoolId,
    ]);
  }

  isMember(classId: string, personId: string): boolean {
    return (
      this.#db.query('SELECT 1 FROM memberships WHERE class_id = $1 AND person_id = $2', [
        classId,
        personId,
      ]).length > 0
    );
  }

  addLecture(l: Lecture): void {
    this.#db.query(
      'INSERT INTO lectures (id, class_id, title, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)',
      [l.id, l.classId, l.title, l.startsAt, l.endsAt],
    );
  }

  lecture(id: string): Lecture | undefined {
    return this.#db.query<Lecture>(`${LECTURE} WHERE id = $1`, [id])[0];
  }

  lectures(classId: string): Lecture[] {
    return this.#db.query<Lecture>(`${LECTURE} WHERE class_id = $1 ORDER BY starts_at`, [classId]);
  }

  contact(personId: string): Contact {
    const row = this.#db.query<Contact>(
      `SELECT ${CONTACT} FROM person_contacts WHERE person_id = $1`,
      [personId],
    )[0];
    return row ?? { personId, email: null, guardianEmail: null, notifyEmail: 'all' };
  }

  contacts(personIds: readonly string[]): Map<string, Contact> {
    const rows = this.#db.query<Contact>(
      `SELECT ${CONTACT} FROM person_contacts WHERE person_id = ANY($1::text[])`,
      [personIds],
    );
    return new Map(rows.map((c) => [c.personId, c]));
  }

  setContact(c: Contact): void {
    this.#db.query(
      `INSERT INTO person_contacts (person_id, email, guardian_email, notify_email) VALUES ($1, $2, $3, $4)
       ON CONFLICT (person_id) DO UPDATE SET email = excluded.email,
         guardian_email = excluded.guardian_email, notify_email = excluded.notify_email`,
      [c.personId, c.email, c.guardianEmail, c.notifyEmail],
    );
  }
}
