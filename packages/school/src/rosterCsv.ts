import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { RosterEntry } from './repositories.js';

/** The columns a roster CSV must have (header row, any order; extra columns are ignored). */
export const ROSTER_COLUMNS = [
  'school_id',
  'school_name',
  'class_id',
  'class_name',
  'person_id',
  'person_name',
  'role',
] as const;

/**
 * Optional columns: a person's email, a guardian's email, and which emails they get (`all`, the
 * default; `fallback`: no daily digest; `none`). A file with any of them sets all three for its
 * people (an absent column or an empty cell is no address, or `all`); a file with none of them
 * leaves the addresses already on record as they are.
 */
export const CONTACT_COLUMNS = ['email', 'guardian_email', 'notify_email'] as const;

/** A problem with one row (line numbers count the header as line 1). */
export interface RowError {
  line: number;
  column: string;
  message: string;
}

/** A valid row of a roster CSV, with the line it came from. */
export interface RosterRow extends RosterEntry {
  line: number;
}

/** The outcome of reading a roster CSV: entries when every row is valid, otherwise every error. */
export type RosterParse = { ok: true; entries: RosterRow[] } | { ok: false; errors: RowError[] };

const id = z
  .string()
  .trim()
  .min(1, 'is empty')
  .max(64, 'is longer than 64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'may only contain letters, digits, dot, dash and underscore');
const name = z.string().trim().min(1, 'is empty').max(120, 'is longer than 120 characters');
const email = z
  .string()
  .trim()
  .max(254, 'is longer than 254 characters')
  .refine((v) => v === '' || /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\]+\.[^\s@<>(),;:"\\]+$/.test(v), {
    message: 'is not an email address',
  })
  .transform((v) => v || null);
const Contact = z.object({
  email: email.default(''),
  guardian_email: email.default(''),
  // Blank: keep what is on record (a student's opt-out survives a re-import).
  notify_email: z
    .string()
    .trim()
    .pipe(
      z.enum(['', 'all', 'fallback', 'none'], {
        errorMap: () => ({ message: 'must be all, fallback or none' }),
      }),
    )
    .transform((v) => v || null)
    .default(''),
});
const Row = z.object({
  school_id: id,
  school_name: name,
  class_id: id,
  class_name: name,
  person_id: id,
  person_name: name,
  role: z.enum(['teacher', 'assistant', 'student', 'observer', 'admin'], {
    errorMap: () => ({ message: 'must be teacher, assistant, student, observer or admin' }),
  }),
});

/** Largest roster accepted in one import. */
export const MAX_ROSTER_ROWS = 20_000;

/**
 * Reads a roster CSV. Nothing is imported unless every row is valid: the caller gets all the
 * errors at once, each with its line and column, to fix the file in one go.
 */
export function parseRosterCsv(text: string): RosterParse {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
    });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    return {
      ok: false,
      errors: [{ line: e.lines ?? 0, column: '', message: `not valid CSV: ${e.message}` }],
    };
  }
  const header =
    records.length > 0 ? Object.keys(records[0]!) : (parse(text, { to_line: 1 })[0] ?? []);
  const missing = ROSTER_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return {
      ok: false,
      errors: [
        {
          line: 1,
          column: missing.join(', '),
          message: `missing column(s): ${missing.join(', ')}`,
        },
      ],
    };
  }
  if (records.length === 0)
    return { ok: false, errors: [{ line: 2, column: '', message: 'the roster has no rows' }] };
  if (records.length > MAX_ROSTER_ROWS) {
    return {
      ok: false,
      errors: [
        { line: MAX_ROSTER_ROWS + 2, column: '', message: `more than ${MAX_ROSTER_ROWS} rows` },
      ],
    };
  }
  const withContact = CONTACT_COLUMNS.some((c) => header.includes(c));
  const errors: RowError[] = [];
  const entries: RosterRow[] = [];
  const seen = new Map<string, number>();
  const roleOf = new Map<string, string>();
  // Class and person ids are the school's own: one file cannot give the same id to two schools.
  const schoolOfClass = new Map<string, string>();
  const schoolOfPerson = new Map<string, string>();
  records.forEach((record, i) => {
    const line = i + 2;
    const parsed = Row.safeParse(record);
    const contact = withContact ? Contact.safeParse(record) : undefined;
    if (!parsed.success || contact?.success === false) {
      const issues = [
        ...(parsed.success ? [] : parsed.error.issues),
        ...(contact && !contact.success ? contact.error.issues : []),
      ];
      for (const issue of issues) {
        errors.push({
          line,
          column: String(issue.path[0] ?? ''),
          message: `${String(issue.path[0])} ${issue.message}`,
        });
      }
      return;
    }
    const r = parsed.data;
    const key = `${r.class_id}/${r.person_id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        line,
        column: 'person_id',
        message: `${r.person_id} is already in ${r.class_id} on line ${first}`,
      });
      return;
    }
    seen.set(key, line);
    const role = roleOf.get(r.person_id);
    if (role !== undefined && role !== r.role) {
      errors.push({
        line,
        column: 'role',
        message: `${r.person_id} is a ${role} on an earlier line`,
      });
      return;
    }
    roleOf.set(r.person_id, r.role);
    for (const [column, id, owners] of [
      ['class_id', r.class_id, schoolOfClass],
      ['person_id', r.person_id, schoolOfPerson],
    ] as const) {
      const owner = owners.get(id);
      if (owner !== undefined && owner !== r.school_id) {
        errors.push({
          line,
          column,
          message: `${id} belongs to school ${owner} on an earlier line`,
        });
        return;
      }
    }
    schoolOfClass.set(r.class_id, r.school_id);
    schoolOfPerson.set(r.person_id, r.school_id);
    entries.push({
      line,
      schoolId: r.school_id,
      schoolName: r.school_name,
      classId: r.class_id,
      className: r.class_name,
      personId: r.person_id,
      personName: r.person_name,
      role: r.role,
      ...(contact?.success
        ? {
            contact: {
              email: contact.data.email,
              guardianEmail: contact.data.guardian_email,
              notifyEmail: contact.data.notify_email,
            },
          }
        : {}),
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries };
}
