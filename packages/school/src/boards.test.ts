import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHOOL_STORES, tempSchool } from './testing.js';

const T0 = Date.UTC(2026, 3, 10, 9, 0, 0);
const bytes = (...b: number[]) => new Uint8Array(b);

describe.each(SCHOOL_STORES)('boards (%s)', (store) => {
  let t: ReturnType<typeof tempSchool> | undefined;
  afterEach(() => t?.cleanup());

  function setup() {
    t = tempSchool({ store });
    return t.school;
  }
  const seqs = (room: string) => t!.school.boardLoad(room).updates.map((u) => u.seq);

  it('numbers the changes of each room from 1, in the order they came', async () => {
    const school = setup();
    const got = await Promise.all([
      school.boardAppend('L1', bytes(1), 's1', T0),
      school.boardAppend('L1', bytes(2), 's2', T0 + 1),
      school.boardAppend('3A', bytes(3), 'ito', T0 + 2),
      school.boardAppend('L1', bytes(4), 's1', T0 + 3),
    ]);
    expect(got).toEqual([1, 2, 1, 3]);
    expect(await school.boardAppend('L1', bytes(5), 'tanaka', T0 + 4)).toBe(4);
    const l1 = school.boardLoad('L1');
    expect(l1.snapshot).toBeUndefined();
    expect(l1.snapshotSeq).toBe(0);
    expect(l1.updates.map((u) => ({ ...u, update: [...u.update] }))).toEqual([
      { room: 'L1', seq: 1, update: [1], identity: 's1', at: T0 },
      { room: 'L1', seq: 2, update: [2], identity: 's2', at: T0 + 1 },
      { room: 'L1', seq: 3, update: [4], identity: 's1', at: T0 + 3 },
      { room: 'L1', seq: 4, update: [5], identity: 'tanaka', at: T0 + 4 },
    ]);
    expect(school.boardLoad('3A').updates.map((u) => [u.seq, u.identity])).toEqual([[1, 'ito']]);
    const odd = 'room "7", {B}\\ NULL';
    expect(
      await Promise.all([
        school.boardAppend(odd, bytes(6), 'NULL', T0),
        school.boardAppend('L1', bytes(7), 's1', T0),
      ]),
    ).toEqual([1, 5]);
    expect(school.boardLoad(odd).updates).toMatchObject([{ room: odd, seq: 1, identity: 'NULL' }]);
    expect(school.boardLoad('nobody-drew-here')).toEqual({
      snapshot: undefined,
      snapshotSeq: 0,
      updates: [],
    });
  });

  it('loads the snapshot and only the changes after it', async () => {
    const school = setup();
    for (let i = 1; i <= 5; i++) await school.boardAppend('L1', bytes(i), 's1', T0 + i);
    school.boardSnapshot('L1', bytes(9, 9, 9), 3);
    const loaded = school.boardLoad('L1');
    expect([...loaded.snapshot!]).toEqual([9, 9, 9]);
    expect(loaded.snapshotSeq).toBe(3);
    expect(loaded.updates.map((u) => u.seq)).toEqual([4, 5]);

    school.boardSnapshot('L1', bytes(8), 5);
    expect(school.boardLoad('L1')).toMatchObject({ snapshotSeq: 5, updates: [] });
    // An older snapshot arriving late does not replace the newer one.
    school.boardSnapshot('L1', bytes(7), 4);
    expect([...school.boardLoad('L1').snapshot!]).toEqual([8]);
    expect(school.boardLoad('L1').snapshotSeq).toBe(5);
    expect(await school.boardAppend('L1', bytes(6), 's1', T0 + 6)).toBe(6);
    expect(seqs('L1')).toEqual([6]);
  });

  it('replays the changes between two times, both included', async () => {
    const school = setup();
    for (let i = 0; i < 6; i++) await school.boardAppend('L1', bytes(i), 's1', T0 + i * 1000);
    await school.boardAppend('3A', bytes(0), 'ito', T0 + 2000);
    school.boardSnapshot('L1', bytes(1), 4);
    expect(school.boardHistory('L1', T0 + 1000, T0 + 3000).map((u) => u.seq)).toEqual([2, 3, 4]);
    expect(school.boardHistory('L1', T0 + 1001, T0 + 2999).map((u) => u.seq)).toEqual([3]);
    expect(school.boardHistory('L1', T0 + 9000, T0 + 9999)).toEqual([]);
    expect(school.boardHistory('3A', T0, T0 + 9999).map((u) => [u.seq, u.at])).toEqual([
      [1, T0 + 2000],
    ]);
  });

  it('prunes only old changes that the snapshot holds, and keeps counting after them', async () => {
    const school = setup();
    for (let i = 1; i <= 6; i++) await school.boardAppend('L1', bytes(i), 's1', T0 + i * 1000);
    await school.boardAppend('3A', bytes(1), 'ito', T0);
    expect(school.boardPrune('L1', T0 + 10_000)).toBe(0); // no snapshot: nothing is covered
    school.boardSnapshot('L1', bytes(42), 4);
    expect(school.boardPrune('L1', T0 + 3000)).toBe(2); // seq 1, 2
    expect(school.boardHistory('L1', 0, T0 + 10_000).map((u) => u.seq)).toEqual([3, 4, 5, 6]);
    expect(school.boardPrune('L1', T0 + 10_000)).toBe(2); // seq 3, 4; 5 and 6 are not in it
    expect(school.boardHistory('L1', 0, T0 + 10_000).map((u) => u.seq)).toEqual([5, 6]);
    expect(seqs('L1')).toEqual([5, 6]);
    expect(seqs('3A')).toEqual([1]);

    // Every change pruned: the next one still comes after the snapshot, and loads.
    school.boardSnapshot('L1', bytes(43), 6);
    expect(school.boardPrune('L1', T0 + 10_000)).toBe(2);
    expect(await school.boardAppend('L1', bytes(7), 's1', T0 + 11_000)).toBe(7);
    expect(school.boardLoad('L1')).toMatchObject({ snapshotSeq: 6, updates: [{ seq: 7 }] });
  });

  it('clears one room and leaves the others', async () => {
    const school = setup();
    await school.boardAppend('L1', bytes(1), 's1', T0);
    await school.boardAppend('L1', bytes(2), 's1', T0);
    await school.boardAppend('3A', bytes(3), 'ito', T0);
    school.boardSnapshot('L1', bytes(4), 2);
    school.boardSnapshot('3A', bytes(5), 1);
    school.boardClear('L1');
    expect(school.boardLoad('L1')).toEqual({ snapshot: undefined, snapshotSeq: 0, updates: [] });
    expect(school.boardHistory('L1', 0, T0 + 1)).toEqual([]);
    expect(await school.boardAppend('L1', bytes(6), 's2', T0 + 1)).toBe(1);
    const other = school.boardLoad('3A');
    expect([...other.snapshot!]).toEqual([5]);
    expect(other.snapshotSeq).toBe(1);
    expect(school.boardHistory('3A', 0, T0).map((u) => u.seq)).toEqual([1]);
  });

  it('sees a change asked for before a clear as cleared, and one after it as kept', async () => {
    const school = setup();
    const before = school.boardAppend('L1', bytes(1), 's1', T0);
    school.boardClear('L1');
    const after = school.boardAppend('L1', bytes(2), 's1', T0);
    expect(await before).toBe(1);
    expect(await after).toBe(1);
    expect(school.boardLoad('L1').updates.map((u) => [...u.update])).toEqual([[2]]);
  });

  it('keeps every change and the snapshot across a restart', async () => {
    const school = setup();
    const written = Array.from({ length: 40 }, () => randomBytes(2048));
    const got = await Promise.all(
      written.map((u, i) => school.boardAppend(i % 2 ? 'L1' : '3A', u, `s${i}`, T0 + i)),
    );
    expect(got).toEqual(written.map((_, i) => Math.floor(i / 2) + 1));
    school.boardSnapshot('L1', written[0]!, 5);
    // Still waiting to be committed when the school closes: committed by close().
    const last = school.boardAppend('L1', bytes(0, 1), 'tanaka', T0 + 99);
    const reopened = t!.reopen();
    expect(await last).toBe(21);
    const l1 = reopened.boardLoad('L1');
    expect(Buffer.compare(l1.snapshot!, written[0]!)).toBe(0);
    expect(l1.updates.map((u) => u.seq)).toEqual([
      6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
    ]);
    expect(reopened.boardHistory('3A', 0, T0 + 100).map((u) => Buffer.from(u.update))).toEqual(
      written.filter((_, i) => i % 2 === 0),
    );
    expect(await reopened.boardAppend('L1', bytes(3), 's1', T0 + 100)).toBe(22);
  });

  it('round-trips every byte, zeros included', async () => {
    const school = setup();
    const change = new Uint8Array(randomBytes(4096));
    change.set([0, 0, 0], 0);
    change.set([0, 255, 0], 2000);
    change[4095] = 0;
    // A view into a bigger buffer, as Yjs hands out, is stored as the view's bytes only.
    const backing = new Uint8Array(6000).fill(7);
    backing.set(change, 1000);
    const view = backing.subarray(1000, 1000 + change.length);
    const snapshot = new Uint8Array(3).fill(0);
    await school.boardAppend('L1', view, 's1', T0);
    await school.boardAppend('L1', new Uint8Array(0), 's1', T0);
    school.boardSnapshot('L0', snapshot, 0);
    const [first, empty] = school.boardLoad('L1').updates;
    expect(first!.update).toBeInstanceOf(Uint8Array);
    expect(first!.update.length).toBe(4096);
    expect(Buffer.compare(first!.update, change)).toBe(0);
    expect(empty!.update.length).toBe(0);
    expect([...school.boardLoad('L0').snapshot!]).toEqual([0, 0, 0]);
  });

  it('refuses bad arguments from code', async () => {
    const school = setup();
    expect(() => school.boardAppend('', bytes(1), 's1', T0)).toThrow(TypeError);
    expect(() => school.boardAppend('L1', 'text' as never, 's1', T0)).toThrow(TypeError);
    expect(() => school.boardAppend('L1', bytes(1), 's1', 1.5)).toThrow(TypeError);
    expect(() => school.boardSnapshot('L1', bytes(1), -1)).toThrow(TypeError);
    expect(() => school.boardHistory('L1', Number.NaN, T0)).toThrow(TypeError);
    school.close();
    await expect(school.boardAppend('L1', bytes(1), 's1', T0)).rejects.toMatchObject({
      code: 'CLOSED',
    });
  });
});
