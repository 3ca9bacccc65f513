import { describe, expect, it } from 'vitest';
import { GroupCommit } from './GroupCommit.js';

describe('group commit', () => {
  it('commits the writes of one turn together, each with its own outcome', async () => {
    const commits: number[][] = [];
    const group = new GroupCommit<number, number>((inputs) => {
      commits.push(inputs);
      return inputs.map((n) => (n < 0 ? new Error(`negative ${n}`) : n * 2));
    });
    const outcomes = await Promise.allSettled([group.add(1), group.add(-1), group.add(3)]);
    expect(commits).toEqual([[1, -1, 3]]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.reason.message))).toEqual([
      2,
      'negative -1',
      6,
    ]);
    await group.add(4);
    expect(commits).toEqual([[1, -1, 3], [4]]);
  });

  it('fails every write of a batch whose commit throws, and commits the next batch', async () => {
    let fail = true;
    const group = new GroupCommit<string, string>((inputs) => {
      if (fail) throw new Error('disk full');
      return inputs;
    });
    await expect(Promise.all([group.add('a'), group.add('b')])).rejects.toThrow('disk full');
    fail = false;
    const later = group.add('c');
    group.flush();
    await expect(later).resolves.toBe('c');
  });
});
