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
 * 2. Else a new shard on a node that does not serve the classroom yet: this one if it can, else
 *    the least loaded (so a class entering through one node spreads once that node's seats in it
 *    are given).
 * 3. Else (every node serves it, all full) the least-loaded node, this one on a tie.
 * Draining nodes and nodes at their seat limit take nobody. A join already redirected twice is
 * served where it is if this node takes people (no redirect loops while the registry changes), and
 * so is one that no node has room for (better a crowded node than a refused student).
 */
export function placeJoin(input: PlacementInput): Placement {
  const { here, nodes, shards, seatsPerNode } = input;
  const open = nodes.filter((n) => n.state === 'active' && n.participants < n.seats);
  if (open.length === 0) return { serve: true };
  // The count comes from the client: it may skip the classroom's seats, never a drain or a full node.
  if (input.redirects >= 2 && open.some((n) => n.id === here)) return { serve: true };
  const inRoom = (n: NodeInfo) => shards.get(n.id) ?? 0;
  const withSeat = open.filter((n) => inRoom(n) > 0 && inRoom(n) < seatsPerNode);
  if (withSeat.some((n) => n.id === here)) return { serve: true };
  if (withSeat.length > 0) {
    const fullest = withSeat.reduce((a, b) => (inRoom(b) > inRoom(a) ? b : a));
    return { serve: false, node: fullest };
  }
  const fresh = open.filter((n) => inRoom(n) === 0);
  return leastLoaded(fresh.length > 0 ? fresh : open, here);
}

/**
 * How much more loaded than the least-loaded node this one may be and still keep a join: the
 * others' loads are up to a heartbeat old, and a redirect costs the client a second handshake.
 */
const LOAD_SLACK = 0.02;

/** The least-loaded of `nodes` (by the share of its seats taken), this node if nearly as light. */
function leastLoaded(nodes: readonly NodeInfo[], here: string): Placement {
  const load = (n: NodeInfo) => n.participants / n.seats;
  const best = Math.min(...nodes.map(load));
  const self = nodes.find((n) => n.id === here);
  if (self && load(self) <= best + LOAD_SLACK) return { serve: true };
  return { serve: false, node: nodes.find((n) => load(n) === best)! };
}
