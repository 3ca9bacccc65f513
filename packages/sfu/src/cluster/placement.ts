import type { NodeInfo } from './NodeRegistry.js';

/** What placing a join looks at. */
export interface PlacementInput {
  /** The node the client reached. */
  here: string;
  /** The live nodes (the registry's last beat). */
  nodes: readonly NodeInfo[];
  /** The room's shards: participants each node serves in it. */
  shards: ReadonlyMap<string, number>;
  /** Participants one node takes in one classroom before another node serves the rest. */
  seatsPerNode: number;
  /** How many times this join was redirected already. */
  redirects: number;
}

/** Where a join goes: this node, or another node's URL. */
export type Placement = { serve: true } | { serve: false; node: NodeInfo };

/**
 * Places a join in a classroom, as LiveKit and edumeet do: sticky first, then by load.
 * 1. A node already serving the classroom with a free seat (this one first, else the fullest:
 *    a classroom fills one node before it spreads, so fewer producers cross between nodes).
 * 2. Else a new shard: here, if this node takes more people; else the least-loaded node that does.
 * Draining nodes and nodes at their seat limit take nobody. A join already redirected twice is
 * served where it is (no redirect loops while the registry changes), and so is one that no node has
 * room for (better a crowded node than a refused student).
 */
export function placeJoin(input: PlacementInput): Placement {
  const { here, nodes, shards, seatsPerNode } = input;
  const open = nodes.filter((n) => n.state === 'active' && n.participants < n.seats);
  const hereOpen = open.some((n) => n.id === here);
  if (input.redirects >= 2) return { serve: true };
  const withSeat = open.filter(
    (n) => (shards.get(n.id) ?? 0) > 0 && shards.get(n.id)! < seatsPerNode,
  );
  if (withSeat.some((n) => n.id === here)) return { serve: true };
  if (withSeat.length > 0) {
    const fullest = withSeat.reduce((a, b) => (shards.get(b.id)! > shards.get(a.id)! ? b : a));
    return { serve: false, node: fullest };
  }
  if (hereOpen) return { serve: true };
  if (open.length === 0) return { serve: true };
  const least = open.reduce((a, b) =>
    b.participants / b.seats < a.participants / a.seats ? b : a,
  );
  return least.id === here ? { serve: true } : { serve: false, node: least };
}
