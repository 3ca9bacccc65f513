import { afterEach, describe, expect, it } from 'vitest';
import { rosterCsv, SCHOOL_STORES, tempSchool } from './testing.js';

const T0 = Date.UTC(2026, 3, 10, 9, 0, 0);

describe.each(SCHOOL_STORES)('recordings (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  function setup() {
    t = tempSchool({ store });
    t.school.importRosterCsv(rosterCsv(2));
    t.school.addLecture({
      id: 'L1',
      classId: '2B',
      title: 'Optics',
      startsAt: T0,
      endsAt: T0 + 3_600_000,
    });
    return t.school;
  }
  const add = (id: string, room: string, startedAt = T0) =>
    t!.school.addRecording({
      id,
      room,
      title: `Rec ${id}`,
      startedBy: 'tanaka',
      allowDownload: false,
      startedAt,
    });

  it('takes the class, school and lecture of its room from the roster', () => {
    setup();
    expect(add('r1', 'L1')).toMatchObject({
      classId: '2B',
      schoolId: 'tokyo',
      lectureId: 'L1',
      status: 'recording',
    });
    expect(add('r2', '3A')).toMatchObject({ classId: '3A', schoolId: 'tokyo', lectureId: '' });
    expect(add('r3', 'guest-room')).toMatchObject({ classId: '', schoolId: '', lectureId: '' });
    expect(t!.school.recording('r1')).toEqual({
      id: 'r1',
      room: 'L1',
      classId: '2B',
      schoolId: 'tokyo',
      lectureId: 'L1',
      title: 'Rec r1',
      startedAt: T0,
      endedAt: 0,
      status: 'recording',
      progress: 0,
      durationMs: 0,
      bytes: 0,
      languages: [],
      chapters: [],
      allowDownload: false,
      error: '',
      expiresAt: 0,
      startedBy: 'tanaka',
    });
  });

  it('keeps every field an update changes, across a restart', () => {
    setup();
    add('r1', 'L1');
    const updated = t!.school.updateRecording('r1', {
      status: 'ready',
      progress: 1,
      endedAt: T0 + 60_000,
      durationMs: 59_500,
      bytes: 123_456_789,
      languages: ['ja', 'es'],
      chapters: [{ atMs: 12_000, title: 'Poll: Which lens?' }],
      allowDownload: true,
      expiresAt: T0 + 86_400_000,
    });
    expect(updated).toMatchObject({
      status: 'ready',
      languages: ['ja', 'es'],
      allowDownload: true,
    });
    t!.school.updateRecording('r1', { progress: 0.25 });
    expect(t!.reopen().recording('r1')).toMatchObject({
      status: 'ready',
      progress: 0.25,
      bytes: 123_456_789,
      chapters: [{ atMs: 12_000, title: 'Poll: Which lens?' }],
      title: 'Rec r1',
    });
    expect(() => t!.school.updateRecording('nope', { progress: 1 })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it("lists unfinished, expired, all and a school's recordings, newest first", () => {
    const school = setup();
    add('old', 'L1', T0);
    add('new', '3A', T0 + 1000);
    add('guest', 'guest-room', T0 + 500);
    school.updateRecording('old', { status: 'ready', expiresAt: T0 + 10 });
    school.updateRecording('guest', { status: 'failed', expiresAt: T0 + 99 });
    expect(school.allRecordings().map((r) => r.id)).toEqual(['new', 'guest', 'old']);
    expect(school.allRecordings('tokyo').map((r) => r.id)).toEqual(['new', 'old']);
    expect(school.allRecordings('osaka')).toEqual([]);
    expect(school.unfinishedRecordings().map((r) => r.id)).toEqual(['new']);
    expect(school.expiredRecordings(T0 + 50).map((r) => r.id)).toEqual(['old']);
    expect(school.expiredRecordings(T0 + 99).map((r) => r.id)).toEqual(['guest', 'old']);
    school.removeRecording('old');
    expect(school.recording('old')).toBeUndefined();
    expect(school.allRecordings().map((r) => r.id)).toEqual(['new', 'guest']);
  });

  it("lists a class's recordings to its members, whichever of its rooms their token is for", () => {
    const school = setup();
    add('lecture', 'L1');
    add('class', '2B', T0 + 1);
    add('other', '3A');
    add('guest', 'guest-room');
    const ids = (identity: string, room: string) =>
      school.recordingsFor({ identity, room }).map((r) => r.id);
    expect(ids('s1', 'L1')).toEqual(['class', 'lecture']);
    expect(ids('tanaka', '2B')).toEqual(['class', 'lecture']);
    expect(ids('principal', 'L1')).toEqual(['class', 'lecture']);
    expect(ids('ito', 'L1')).toEqual([]);
    expect(ids('stranger', 'L1')).toEqual([]);
    expect(ids('ito', '3A')).toEqual(['other']);
    expect(ids('anyone', 'guest-room')).toEqual(['guest']);
    expect(ids('anyone', 'another-room')).toEqual([]);
  });

  it('lets the members of its class watch a recording, and refuses the others', () => {
    const school = setup();
    add('r1', 'L1');
    add('guest', 'guest-room');
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'ok';
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    const watch = (id: string, viewer: { identity: string; room: string; schoolId?: string }) =>
      code(() => school.watchableRecording(id, viewer));
    expect(watch('r1', { identity: 's1', room: 'L1' })).toBe('ok');
    expect(watch('r1', { identity: 's2', room: '2B' })).toBe('ok');
    expect(watch('r1', { identity: 'ito', room: '3A' })).toBe('PERMISSION_DENIED');
    expect(watch('r1', { identity: 'stranger', room: 'L1' })).toBe('PERMISSION_DENIED');
    expect(watch('r1', { identity: 'kato', room: '9Z' })).toBe('NOT_FOUND');
    expect(watch('nope', { identity: 's1', room: 'L1' })).toBe('NOT_FOUND');
    expect(watch('r1', { identity: 'principal', room: '', schoolId: 'tokyo' })).toBe('ok');
    expect(watch('r1', { identity: 'boss', room: '', schoolId: 'osaka' })).toBe('NOT_FOUND');
    expect(watch('guest', { identity: 'x', room: 'guest-room' })).toBe('ok');
    expect(watch('guest', { identity: 'x', room: 'L1' })).toBe('PERMISSION_DENIED');
    expect(watch('guest', { identity: 'principal', room: '', schoolId: 'tokyo' })).toBe(
      'NOT_FOUND',
    );

    const moderate = (
      id: string,
      viewer: { identity: string; room: string; role?: string; schoolId?: string },
    ) => code(() => school.assertModeratesRecording(id, viewer));
    expect(moderate('r1', { identity: 'tanaka', room: 'L1', role: 'teacher' })).toBe('ok');
    expect(moderate('r1', { identity: 's1', room: 'L1', role: 'teacher' })).toBe(
      'PERMISSION_DENIED',
    );
    expect(moderate('r1', { identity: 'ito', room: 'L1', role: 'teacher' })).toBe(
      'PERMISSION_DENIED',
    );
    expect(moderate('r1', { identity: 'principal', room: '', schoolId: 'tokyo' })).toBe('ok');
    expect(moderate('r1', { identity: 'boss', room: '', schoolId: 'osaka' })).toBe('NOT_FOUND');
    expect(moderate('guest', { identity: 'x', room: 'guest-room', role: 'assistant' })).toBe('ok');
    expect(moderate('guest', { identity: 'x', room: 'guest-room', role: 'student' })).toBe(
      'PERMISSION_DENIED',
    );
    expect(moderate('guest', { identity: 'x', room: 'L1', role: 'teacher' })).toBe(
      'PERMISSION_DENIED',
    );
  });
});
