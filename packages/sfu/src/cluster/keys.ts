/**
 * The names a cluster uses in Redis, under its prefix (`cluster.prefix`): several clusters (a
 * district's schools, a staging cluster) can share one Redis without hearing each other.
 */
export function clusterKeys(prefix: string) {
  return {
    /** Hash: node id → its record (JSON). */
    nodes: `${prefix}:nodes`,
    /** A node's alive key, with a time to live renewed by its heartbeat. */
    alive: (id: string) => `${prefix}:alive:${id}`,
    /** Set of node ids asked to drain. */
    draining: `${prefix}:draining`,
    /** Hash: node id → participants it serves in the room. */
    room: (room: string) => `${prefix}:room:${room}`,
    /** Set: the identities connected to a node (expires with its alive key). */
    online: (id: string) => `${prefix}:online:${id}`,
    /** The node that runs the cluster's once-only jobs (notice reminders), with a time to live. */
    leader: `${prefix}:leader`,
    /** A person's joins across the cluster in one minute (a counter that expires). */
    joins: (identity: string, minute: number) => `${prefix}:joins:${minute}:${identity}`,
    /** Channels: a node's direct messages, a room's shards, the school's events. */
    nodeChannel: (id: string) => `${prefix}:n:${id}`,
    roomChannel: (room: string) => `${prefix}:r:${room}`,
    schoolChannel: `${prefix}:school`,
  } as const;
}

export type ClusterKeys = ReturnType<typeof clusterKeys>;
