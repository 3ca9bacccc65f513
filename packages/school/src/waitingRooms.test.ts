import { afterEach, describe, expect, it } from 'vitest';
import { SCHOOL_STORES, tempSchool } from './testing.js';

describe.each(SCHOOL_STORES)('waiting-room settings (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  it('are kept per room and survive a restart', () => {
    t = tempSchool({ store });
    const rooms = t.school.repos.waitingRooms;
    expect(rooms.settings('L1')).toBeUndefined();
    rooms.save('L1', { enabled: true, admitRoster: false }, 1);
    rooms.save('L2', { enabled: true, admitRoster: true }, 2);
    rooms.save('L2', { enabled: false, admitRoster: true }, 3);

    const after = t.reopen().repos.waitingRooms;
    expect(after.settings('L1')).toEqual({ enabled: true, admitRoster: false });
    expect(after.settings('L2')).toEqual({ enabled: false, admitRoster: true });
    expect(after.settings('L3')).toBeUndefined();
  });
});
