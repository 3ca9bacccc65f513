import { afterEach, describe, expect, it } from 'vitest';
import { parseRosterCsv } from './rosterCsv.js';
import { rosterCsv, SCHOOL_STORES, tempSchool } from './testing.js';

describe.each(SCHOOL_STORES)('roster CSV import (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  it('imports schools, classes, people and memberships', () => {
    t = tempSchool({ store });
    const result = t.school.importRosterCsv(rosterCsv(3));
    expect(result).toEqual({ ok: true, people: 7, classes: 3 });
    const members = t.school.repos.roster.classMembers('2B').map((p) => p.id);
    expect(members.sort()).toEqual(['principal', 's1', 's2', 's3', 'tanaka']);
    expect(t.school.repos.roster.person('ito')).toMatchObject({
      name: 'Ito Ken',
      role: 'teacher',
      schoolId: 'tokyo',
    });
  });

  it('reports every bad row with its line and column, and imports nothing', () => {
    t = tempSchool({ store });
    const csv = [
      'school_id,school_name,class_id,class_name,person_id,person_name,role',
      'tokyo,Tokyo International,2B,Physics 2B,s1,Student 1,student',
      'tokyo,Tokyo International,2B,Physics 2B,s2,,student',
      'tokyo,Tokyo International,2B,Physics 2B,s3,Student 3,principal',
      'tokyo,Tokyo International,2B,Physics 2B,s1,Student 1 again,student',
      'tokyo,Tokyo International,2B,Physics 2B,bad id!,Student 5,student',
    ].join('\n');
    const result = t.school.importRosterCsv(csv);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { line: 3, column: 'person_name', message: 'person_name is empty' },
      {
        line: 4,
        column: 'role',
        message: 'role must be teacher, assistant, student, observer or admin',
      },
      { line: 5, column: 'person_id', message: 's1 is already in 2B on line 2' },
      {
        line: 6,
        column: 'person_id',
        message: 'person_id may only contain letters, digits, dot, dash and underscore',
      },
    ]);
    expect(t.school.repos.roster.person('s1')).toBeUndefined();
  });

  it('refuses a file with missing columns or broken quoting', () => {
    expect(parseRosterCsv('school_id,name\ntokyo,x\n')).toMatchObject({
      ok: false,
      errors: [
        { line: 1, message: expect.stringContaining('missing column(s): school_name, class_id') },
      ],
    });
    expect(parseRosterCsv('school_id,"school_name\n')).toMatchObject({
      ok: false,
      errors: [{ message: expect.stringContaining('not valid CSV') }],
    });
    expect(parseRosterCsv('')).toMatchObject({ ok: false });
  });

  it('refuses rows of another school when importing for one school', () => {
    t = tempSchool({ store });
    const result = t.school.importRosterCsv(rosterCsv(1), 'tokyo');
    expect(result).toMatchObject({
      ok: false,
      errors: [{ line: 5, column: 'school_id', message: 'school_id must be tokyo' }],
    });
    expect(t.school.repos.roster.person('tanaka')).toBeUndefined();
  });

  it('reads email addresses and preferences when the file has those columns, and keeps them when not', () => {
    t = tempSchool({ store });
    const header =
      'school_id,school_name,class_id,class_name,person_id,person_name,role,email,guardian_email,notify_email';
    const bad = parseRosterCsv(
      [header, 'tokyo,Tokyo,2B,Physics 2B,s1,Aiko,student,not-an-address,,sometimes'].join('\n'),
    );
    expect(bad.ok ? [] : bad.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'email'],
      [2, 'notify_email'],
    ]);
    expect(
      t.school.importRosterCsv(
        [
          header,
          'tokyo,Tokyo,2B,Physics 2B,s1,Aiko,student,aiko@students.example,mum@home.example,fallback',
          'tokyo,Tokyo,2B,Physics 2B,s2,Ben,student,,,',
        ].join('\n'),
      ),
    ).toMatchObject({ ok: true });
    expect(t.school.repos.roster.contact('s1')).toEqual({
      personId: 's1',
      email: 'aiko@students.example',
      guardianEmail: 'mum@home.example',
      notifyEmail: 'fallback',
    });
    expect(t.school.repos.roster.contact('s2')).toMatchObject({ email: null, notifyEmail: 'all' });
    // A roster without the columns (the school's timetable export) leaves them as they are.
    expect(t.school.importRosterCsv(rosterCsv(2))).toMatchObject({ ok: true });
    expect(t.school.repos.roster.contact('s1').guardianEmail).toBe('mum@home.example');
    // A student's opt-out survives an export that has the address but no preference.
    t.school.repos.roster.setContact({
      ...t.school.repos.roster.contact('s2'),
      notifyEmail: 'none',
    });
    expect(
      t.school.importRosterCsv(
        [header, 'tokyo,Tokyo,2B,Physics 2B,s2,Ben,student,ben@students.example,,'].join('\n'),
      ),
    ).toMatchObject({ ok: true });
    expect(t.school.repos.roster.contact('s2')).toMatchObject({
      email: 'ben@students.example',
      notifyEmail: 'none',
    });
  });
});
