import { afterEach, describe, expect, it } from 'vitest';
import { rosterCsv, SCHOOL_STORES, tempSchool } from './testing.js';

const T0 = Date.parse('2026-04-08T09:00:00Z');
const min = 60_000;

describe.each(SCHOOL_STORES)('attendance of a scripted lecture (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  it('merges reconnects, marks late arrivals, excuses approved leave, and exports the same rows as CSV', () => {
    t = tempSchool({ store });
    const school = t.school;
    school.importRosterCsv(rosterCsv(5));
    school.addLecture({
      id: 'phys-0408',
      classId: '2B',
      title: 'Optics',
      startsAt: T0,
      endsAt: T0 + 50 * min,
    });

    // s4 asks for leave for the day; Tanaka approves. s5 asks too, but is rejected.
    const leave = school.requestLeave('s4', {
      classId: '2B',
      fromDate: '2026-04-08',
      toDate: '2026-04-08',
      reason: 'hospital visit',
    });
    school.decideLeave('tanaka', leave.id, true, 'get well');
    const rejected = school.requestLeave('s5', {
      classId: '2B',
      fromDate: '2026-04-07',
      toDate: '2026-04-09',
      reason: 'trip',
    });
    school.decideLeave('tanaka', rejected.id, false, 'not during term');

    const at = (m: number) => T0 + m * min;
    const script: [string, 'join' | 'leave', number][] = [
      ['tanaka', 'join', -3],
      ['s1', 'join', -1], // on time
      ['s1', 'leave', 20], // Wi-Fi drop…
      ['s1', 'join', 21], // …back a minute later: one stretch
      ['s1', 'leave', 50],
      ['s2', 'join', 2], // within the grace: present
      ['s2', 'leave', 10],
      ['s2', 'join', 30], // a real 20-minute gap
      ['s2', 'leave', 45],
      ['s3', 'join', 12], // late
      ['s3', 'leave', 55], // stayed after the end: clipped
    ];
    for (const [who, kind, m] of script) {
      t.clock.now = at(m);
      expect(school.recordPresence('phys-0408', who, kind)).toBe(true);
    }
    // Someone not on the class roster is not recorded; another room is not a lecture.
    expect(school.recordPresence('phys-0408', 'ito', 'join')).toBe(false);
    expect(school.recordPresence('free-room', 's1', 'join')).toBe(false);

    t.clock.now = at(60);
    const rows = school
      .attendance('phys-0408')
      .map((r) => [r.name, r.status, r.firstJoin, r.lastLeave, r.minutes]);
    expect(rows).toEqual([
      ['Student 1', 'present', at(-1), at(50), 50],
      ['Student 2', 'present', at(2), at(45), 23],
      ['Student 3', 'late', at(12), at(55), 38],
      ['Student 4', 'excused', null, null, 0],
      ['Student 5', 'absent', null, null, 0],
    ]);
    expect(school.attendanceCsv('phys-0408')).toBe(
      [
        'name,class,lecture,status,first_join,last_leave,minutes',
        'Student 1,Physics 2B,Optics,present,2026-04-08T08:59:00.000Z,2026-04-08T09:50:00.000Z,50',
        'Student 2,Physics 2B,Optics,present,2026-04-08T09:02:00.000Z,2026-04-08T09:45:00.000Z,23',
        'Student 3,Physics 2B,Optics,late,2026-04-08T09:12:00.000Z,2026-04-08T09:55:00.000Z,38',
        'Student 4,Physics 2B,Optics,excused,,,0',
        'Student 5,Physics 2B,Optics,absent,,,0',
        '',
      ].join('\n'),
    );
  });

  it('keeps every acknowledged write across a reopen of the database file', () => {
    t = tempSchool({ store });
    t.school.importRosterCsv(rosterCsv(1));
    t.school.addLecture({
      id: 'L1',
      classId: '2B',
      title: 'Waves',
      startsAt: T0,
      endsAt: T0 + 45 * min,
    });
    t.clock.now = T0;
    t.school.recordPresence('L1', 's1', 'join');
    const school = t.reopen();
    expect(school.repos.attendance.events('L1')).toEqual([
      { lectureId: 'L1', personId: 's1', kind: 'join', at: T0 },
    ]);
  });
});
