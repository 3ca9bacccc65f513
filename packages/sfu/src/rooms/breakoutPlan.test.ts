import { describe, expect, it } from 'vitest';
import { cosmo } from '@cosmo/core';
import { BREAKOUT_LIMITS, breakoutRoomId, mainRoomOf, planBreakout } from './breakoutPlan.js';

const { BREAKOUT_MODE_RANDOM, BREAKOUT_MODE_MANUAL, BREAKOUT_MODE_CHOOSE, BREAKOUT_MODE_GROUP } =
  cosmo.v1.BreakoutMode;
const students = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

describe('planning a breakout', () => {
  it('names breakout rooms after their main room, apart from any roster id', () => {
    expect(breakoutRoomId('opt-1', 3)).toBe('opt-1~b3');
    expect(mainRoomOf('opt-1~b3')).toBe('opt-1');
    expect(mainRoomOf('opt-1')).toBeUndefined();
    expect(mainRoomOf('b3')).toBeUndefined();
  });

  it('shuffles the students present evenly over the rooms', () => {
    const plan = planBreakout(
      { rooms: 3, mode: BREAKOUT_MODE_RANDOM, durationSeconds: 600 },
      students,
    );
    const sizes = [0, 0, 0];
    for (const index of plan.assignments.values()) sizes[index]!++;
    expect(sizes.sort()).toEqual([2, 2, 3]);
    expect([...plan.assignments.keys()].sort()).toEqual(students);
    expect(plan.names).toEqual(['Room 1', 'Room 2', 'Room 3']);
  });

  it('takes manual assignments (even of students not here yet) and assigns nobody in choose mode', () => {
    const manual = planBreakout(
      { rooms: 2, mode: BREAKOUT_MODE_MANUAL, durationSeconds: 600, assignments: { a: 1, z: 0 } },
      students,
    );
    expect([...manual.assignments]).toEqual([
      ['a', 1],
      ['z', 0],
    ]);
    const choose = planBreakout(
      { rooms: 2, mode: BREAKOUT_MODE_CHOOSE, durationSeconds: 600 },
      students,
    );
    expect(choose.assignments.size).toBe(0);
  });

  it('refuses what is out of bounds, with a reason', () => {
    const cases: [cosmo.v1.IStartBreakoutRequest, string][] = [
      [{ rooms: 2, mode: BREAKOUT_MODE_GROUP, durationSeconds: 600 }, 'NO_ROSTER_GROUPS'],
      [{ rooms: 2, durationSeconds: 600 }, 'BAD_MODE'],
      [{ rooms: 0, mode: BREAKOUT_MODE_RANDOM, durationSeconds: 600 }, 'ROOM_COUNT'],
      [{ rooms: 8, mode: BREAKOUT_MODE_RANDOM, durationSeconds: 600 }, 'ROOM_COUNT'],
      [
        { rooms: 1, mode: BREAKOUT_MODE_RANDOM, durationSeconds: 600, names: ['x', 'y'] },
        'TOO_MANY_NAMES',
      ],
      [
        { rooms: 1, mode: BREAKOUT_MODE_RANDOM, durationSeconds: 600, names: ['x'.repeat(51)] },
        'NAME_TOO_LONG',
      ],
      [{ rooms: 1, mode: BREAKOUT_MODE_RANDOM, durationSeconds: 59 }, 'DURATION'],
      [
        {
          rooms: 1,
          mode: BREAKOUT_MODE_RANDOM,
          durationSeconds: BREAKOUT_LIMITS.maxTotalSeconds + 1,
        },
        'DURATION',
      ],
      [
        { rooms: 2, mode: BREAKOUT_MODE_MANUAL, durationSeconds: 600, assignments: { a: 2 } },
        'BAD_ROOM_INDEX',
      ],
    ];
    for (const [req, reason] of cases)
      expect(() => planBreakout(req, students), reason).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', reason }),
      );
  });
});
