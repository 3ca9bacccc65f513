import type { Db } from '../SchoolDatabase.js';
import type {
  Contact,
  Lecture,
  Person,
  RosterEntry,
  RosterRepository,
  School,
  SchoolClass,
} from '../repositories.js';

interface LectureRow {
  id: string;
  class_id: string;
  title: string;
  starts_at: number;
  ends_at: number;
}

const lectureOf = (r: LectureRow): Lecture => ({
  id: r.id,
  classId: r.class_id,
  title: r.title,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
});

const PERSON = 'SELECT id, school_id AS schoolId, name, role FROM people';

/** The roster in SQLite. */
export class SqliteRosterRepository implements RosterRepository {
  readonly #db: Db;
  #contact: ReturnType<Db['prepare']> | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  importEntries(entries: RosterEntry[]): { people: number; classes: number } {
    const db = this.#db;
    const school = db.prepare(
      'INSERT INTO schools (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name',
    );
    const cls = db.prepare(
      // The WHERE clauses keep another school's rows as they are even if a caller skipped the
      // ownership check (School.importRosterCsv refuses such rows with their line numbers).
      'INSERT INTO classes (id, school_id, name) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name WHERE classes.school_id = excluded.school_id',
    );
    const person = db.prepare(
      'INSERT INTO people (id, school_id, name, role) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role WHERE people.school_id = excluded.school_id',
    );
    const member = db.prepare(
      'INSERT OR IGNORE INTO memberships (class_id, person_id) VALUES (?, ?)',
    );
    const contact = db.prepare(
      // Only for a person of the row's school (the ownership rule above, once more).
      // A null preference keeps the one on record (`all` for someone new).
      `INSERT INTO person_contacts (person_id, email, guardian_email, notify_email)
       SELECT id, @email, @guardian, COALESCE(@notify, 'all') FROM people
       WHERE id = @person AND school_id = @school
       ON CONFLICT(person_id) DO UPDATE SET email = excluded.email,
         guardian_email = excluded.guardian_email,
         notify_email = CASE WHEN @notify IS NULL THEN notify_email ELSE excluded.notify_email END`,
    );
    return db.transaction(() => {
      const people = new Set<string>();
      const classes = new Set<string>();
      for (const e of entries) {
        school.run(e.schoolId, e.schoolName);
        cls.run(e.classId, e.schoolId, e.className);
        person.run(e.personId, e.schoolId, e.personName, e.role);
        member.run(e.classId, e.personId);
        if (e.contact)
          contact.run({
            email: e.contact.email,
            guardian: e.contact.guardianEmail,
            notify: e.contact.notifyEmail,
            person: e.personId,
            school: e.schoolId,
          });
        people.add(e.personId);
        classes.add(e.classId);
      }
      return { people: people.size, classes: classes.size };
    })();
  }

  person(id: string): Person | undefined {
    return this.#db.prepare(`${PERSON} WHERE id = ?`).get(id) as Person | undefined;
  }

  school(id: string): School | undefined {
    return this.#db.prepare('SELECT id, name FROM schools WHERE id = ?').get(id) as
      School | undefined;
  }

  schoolClass(id: string): SchoolClass | undefined {
    return this.#db
      .prepare('SELECT id, school_id AS schoolId, name FROM classes WHERE id = ?')
      .get(id) as SchoolClass | undefined;
  }

  classMembers(classId: string): Person[] {
    return this.#db
      .prepare(
        `${PERSON} WHERE id IN (SELECT person_id FROM memberships WHERE class_id = ?) ORDER BY name`,
      )
      .all(classId) as Person[];
  }

  schoolMembers(schoolId: string): Person[] {
    return this.#db
      .prepare(`${PERSON} WHERE school_id = ? ORDER BY name`)
      .all(schoolId) as Person[];
  }

  isMember(classId: string, personId: string): boolean {
    return !!this.#db
      .prepare('SELECT 1 FROM memberships WHERE class_id = ? AND person_id = ?')
      .get(classId, personId);
  }

  addLecture(l: Lecture): void {
    this.#db
      .prepare(
        'INSERT INTO lectures (id, class_id, title, starts_at, ends_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(l.id, l.classId, l.title, l.startsAt, l.endsAt);
  }

  lecture(id: string): Lecture | undefined {
    const row = this.#db.prepare('SELECT * FROM lectures WHERE id = ?').get(id) as
      LectureRow | undefined;
    return row && lectureOf(row);
  }

  lectures(classId: string): Lecture[] {
    return (
      this.#db
        .prepare('SELECT * FROM lectures WHERE class_id = ? ORDER BY starts_at')
        .all(classId) as LectureRow[]
    ).map(lectureOf);
  }

  contact(personId: string): Contact {
    // Asked for every recipient of a notice: prepared once.
    this.#contact ??= this.#db.prepare(
      `SELECT email, guardian_email AS guardianEmail, notify_email AS notifyEmail
       FROM person_contacts WHERE person_id = ?`,
    );
    const row = this.#contact.get(personId) as Omit<Contact, 'personId'> | undefined;
    return { personId, email: null, guardianEmail: null, notifyEmail: 'all', ...row };
  }

  contacts(personIds: readonly string[]): Map<string, Contact> {
    const rows = this.#db
      .prepare(
        `SELECT person_id AS personId, email, guardian_email AS guardianEmail,
           notify_email AS notifyEmail
         FROM person_contacts WHERE person_id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(personIds)) as Contact[];
    return new Map(rows.map((c) => [c.personId, c]));
  }

  setContact(c: Contact): void {
    this.#db
      .prepare(
        `INSERT INTO person_contacts (person_id, email, guardian_email, notify_email) VALUES (?, ?, ?, ?)
         ON CONFLICT(person_id) DO UPDATE SET email = excluded.email,
           guardian_email = excluded.guardian_email, notify_email = excluded.notify_email`,
      )
      .run(c.personId, c.email, c.guardianEmail, c.notifyEmail);
  }
}
