import { describe, expect, it } from 'vitest';
import type { NodeInfo } from './NodeRegistry.js';
import { placeJoin, type PlacementInput } from './placement.js';

const node = (id: string, participants = 0, state: NodeInfo['state'] = 'active'): NodeInfo => ({
  id,
  url: `ws://${id}/ws`,
  participants,
  seats: 100,
  state,
  updatedAt: 0,
});

const place = (over: Partial<PlacementInput>) => {
  const placed = placeJoin({
    here: 'a',
    nodes: [node('a'), node('b'), node('c')],
    shards: new Map(),
    seatsPerNode: 10,
    redirects: 0,
    ...over,
  });
  return placed.serve ? 'here' : placed.node.id;
};

describe('placing a join in a cluster', () => {
  it('opens a new classroom where the client arrived', () => {
    expect(place({})).toBe('here');
  });

  it('sends a join to the node already serving the classroom while it has a seat (sticky)', () => {
    expect(place({ shards: new Map([['b', 3]]) })).toBe('b');
    expect(
      place({
        shards: new Map([
          ['a', 3],
          ['b', 5],
        ]),
      }),
    ).toBe('here');
  });

  it('fills the fullest shard with a seat first, so fewer producers cross between nodes', () => {
    expect(
      place({
        shards: new Map([
          ['b', 2],
          ['c', 7],
        ]),
      }),
    ).toBe('c');
  });

  it('opens a new shard where the classroom is not served yet: here if it can, else the least loaded', () => {
    expect(place({ shards: new Map([['b', 10]]) })).toBe('here');
    // Everyone entering through A: once A's seats in the classroom are given, B and C take the rest.
    expect(
      place({ nodes: [node('a', 10), node('b', 5), node('c', 1)], shards: new Map([['a', 10]]) }),
    ).toBe('c');
    expect(
      place({
        nodes: [node('a', 100), node('b', 40), node('c', 20)],
        shards: new Map([['b', 10]]),
      }),
    ).toBe('c');
  });

  it('goes to the least-loaded node when every node serves the classroom and all are full', () => {
    const full = new Map([
      ['a', 10],
      ['b', 10],
      ['c', 10],
    ]);
    expect(place({ nodes: [node('a', 30), node('b', 12), node('c', 20)], shards: full })).toBe('b');
    expect(place({ nodes: [node('a', 12), node('b', 12), node('c', 20)], shards: full })).toBe(
      'here',
    );
  });

  it('keeps a join here when this node is nearly as light as the lightest (loads are a beat old)', () => {
    const full = new Map([
      ['a', 10],
      ['b', 10],
    ]);
    expect(place({ nodes: [node('a', 11), node('b', 10)], shards: full })).toBe('here');
    expect(place({ nodes: [node('a', 14), node('b', 10)], shards: full })).toBe('b');
  });

  it('sends nobody to a draining node or one at its seat limit', () => {
    expect(
      place({ nodes: [node('a'), node('b', 0, 'draining')], shards: new Map([['b', 1]]) }),
    ).toBe('here');
    expect(place({ nodes: [node('a'), node('b', 100)], shards: new Map([['b', 1]]) })).toBe('here');
    expect(
      place({ nodes: [node('a', 0, 'draining'), node('b', 50), node('c', 10)], shards: new Map() }),
    ).toBe('c');
  });

  it('ignores shards of nodes that are gone, and serves a join redirected twice where it is', () => {
    expect(place({ nodes: [node('a'), node('c')], shards: new Map([['b', 1]]) })).toBe('here');
    expect(place({ shards: new Map([['b', 1]]), redirects: 2 })).toBe('here');
    // A count the client made up does not get it onto a draining node.
    expect(
      place({ nodes: [node('a', 0, 'draining'), node('b')], shards: new Map(), redirects: 2 }),
    ).toBe('b');
  });

  it('serves rather than refuses when no node has room', () => {
    expect(place({ nodes: [node('a', 100), node('b', 100)] })).toBe('here');
  });
});
