import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/cluster.mjs';

interface NodeRow {
  node: string;
  students: number;
  participants: number;
  packetsPerSecond: number;
}

interface Row {
  nodes: number;
  students: number;
  silentStreams: number;
  packetsPerSecond: number;
  redirects: number;
  perNode: NodeRow[];
}

describe('the cluster bench scenario (smoke)', () => {
  it('carries a lecture’s plain-RTP students on one node, then on two with the teacher piped to the second', async () => {
    const result = await run({
      students: [4],
      nodes: [1, 2],
      settleMs: 1000,
      windowMs: 1500,
      windows: 1,
      log: () => undefined,
    });
    const [one, two]: Row[] = result.table;
    expect([one.nodes, two.nodes]).toEqual([1, 2]);
    for (const row of [one, two]) {
      expect(row.silentStreams).toBe(0);
      // 2 streams per student, the video at ~100 packets/s and the audio at 50.
      expect(row.packetsPerSecond).toBeGreaterThan(4 * 100);
    }
    // Two nodes, three seats each: the teacher and two students on a, two students on b (a join
    // placed on a stale seat count may land one over; both nodes serve students either way).
    expect(two.perNode.map((n) => n.node)).toEqual(['a', 'b']);
    expect(two.perNode.reduce((a, n) => a + n.participants, 0)).toBe(5);
    for (const node of two.perNode) expect(node.students).toBeGreaterThan(0);
    expect(two.redirects).toBeGreaterThan(0);
    // b's students get the teacher through the pipe from a: every stream of theirs has packets.
    const b = two.perNode[1]!;
    expect(b.packetsPerSecond).toBeGreaterThan(b.students * 100);
  }, 60_000);
});
