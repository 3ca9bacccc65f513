import { describe, expect, it } from 'vitest';
import { cosmo } from '@cosmo/core';
import { breakoutFromProto, breakoutRoomOf, startBreakoutToProto } from './Breakout.js';
import { countdown } from './classroom/breakout.controller.js';

describe('breakout state', () => {
  it('reads a wire breakout, naming rooms the server left unnamed', () => {
    const b = breakoutFromProto({
      rooms: [
        { id: 'r~b1', name: 'Lenses', identities: ['aiko'] },
        { id: 'r~b2', name: '', identities: [] },
      ],
      mode: cosmo.v1.BreakoutMode.BREAKOUT_MODE_CHOOSE,
      endsAt: 1_000,
      mainRoom: 'r',
    });
    expect(b).toEqual({
      rooms: [
        { id: 'r~b1', name: 'Lenses', identities: ['aiko'] },
        { id: 'r~b2', name: 'Room 2', identities: [] },
      ],
      mode: 'choose',
      endsAt: 1_000,
      mainRoom: 'r',
    });
    expect(breakoutRoomOf(b, 'aiko')?.id).toBe('r~b1');
    expect(breakoutRoomOf(b, 'ren')).toBeUndefined();
  });

  it('checks a start request before it is sent', () => {
    expect(
      startBreakoutToProto({
        rooms: 2,
        mode: 'manual',
        durationSeconds: 600,
        assignments: { aiko: 1 },
      }),
    ).toEqual({
      rooms: 2,
      mode: cosmo.v1.BreakoutMode.BREAKOUT_MODE_MANUAL,
      durationSeconds: 600,
      assignments: { aiko: 1 },
      names: [],
    });
    expect(() => startBreakoutToProto({ rooms: 0, mode: 'random', durationSeconds: 60 })).toThrow(
      TypeError,
    );
    expect(() =>
      startBreakoutToProto({
        rooms: 2,
        mode: 'manual',
        durationSeconds: 60,
        assignments: { a: 2 },
      }),
    ).toThrow(/not one of the 2 rooms/);
    expect(() =>
      startBreakoutToProto({ rooms: 2, mode: 'lottery' as 'random', durationSeconds: 60 }),
    ).toThrow(/not a breakout mode/);
  });

  it('counts down in minutes and seconds, never below zero', () => {
    expect(countdown(125_000, 0)).toBe('2:05');
    expect(countdown(3_723_000, 0)).toBe('1:02:03');
    expect(countdown(0, 5_000)).toBe('0:00');
  });
});
