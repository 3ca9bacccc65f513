import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CosmoError, ErrorCode, TypedEmitter } from '@cosmo/core';
import type { ClusterKeys } from './keys.js';

/** A node as the registry shows it. */
export interface NodeInfo {
  id: string;
  /** Where clients reach its signalling (`wss://node-2.school.example/ws`). */
  url: string;
  /** Participants it serves, and how many it takes at most (its share of the placement). */
  participants: number;
  seats: number;
  /** `draining`: takes nobody new, moves its own off (`cosmo drain`). */
  state: 'active' | 'draining';
  /** Its clock at the last heartbeat (ms), for status output. */
  updatedAt: number;
}

export type NodeRegistryEvents = {
  /** A beat went through: how many nodes are live. */
  beat: [nodes: number];
  /** A node stopped heartbeating (crashed, cut off, or stopped) and was dropped. */
  lost: [nodeId: string];
  /** This node was asked to drain, and (`cosmo drain --cancel`) to take people again. */
  draining: [];
  undrained: [];
  /** Redis answers again after beats failed: what the others know of this node may be gone. */
  reconnected: [];
};

/** What the registry reports of this node each beat. */
export interface OwnLoad {
  participants: number;
  /** The people connected to it (for the cluster's presence). */
  identities: Iterable<string>;
}

/**
 * The cluster's node registry in Redis. Each node writes its record (URL, load, state) and an
 * alive key with a time to live every `heartbeatMs`; a node whose alive key has expired
 * (`deadAfterMs` without a beat, whatever the clocks say) is dead: every node that notices drops it
 * from the registry and from the rooms' placement, and says so (`lost`).
 */
export class NodeRegistry extends TypedEmitter<NodeRegistryEvents> {
  readonly #redis: Redis;
  readonly #keys: ClusterKeys;
  readonly #self: Omit<NodeInfo, 'participants' | 'state' | 'updatedAt'>;
  readonly #load: () => OwnLoad;
  readonly #logger: Logger;
  readonly #heartbeatMs: number;
  readonly #deadAfterMs: number;
  #timer: NodeJS.Timeout | undefined;
  #known = new Set<string>();
  #nodes: NodeInfo[] = [];
  #state: NodeInfo['state'] = 'active';
  #online = new Set<string>();
  #leader = false;
  #beating: Promise<void> | undefined;
  #stopped = false;
  /** Since when beats go through (0 while Redis does not answer). */
  #upSince = 0;
  /** Beats failed in a row. */
  #failures = 0;

  constructor(
    redis: Redis,
    keys: ClusterKeys,
    self: { id: string; url: string; seats: number },
    load: () => OwnLoad,
    logger: Logger,
    timing: { heartbeatMs: number; deadAfterMs: number },
  ) {
    super();
    this.#redis = redis;
    this.#keys = keys;
    this.#self = self;
    this.#load = load;
    this.#logger = logger;
    this.#heartbeatMs = timing.heartbeatMs;
    this.#deadAfterMs = timing.deadAfterMs;
  }

  get nodeId(): string {
    return this.#self.id;
  }

  get state(): NodeInfo['state'] {
    return this.#state;
  }

  /** The live nodes as of the last beat (this one included). */
  get nodes(): readonly NodeInfo[] {
    return this.#nodes;
  }

  /** The people connected to any live node, as of the last beat. */
  get online(): ReadonlySet<string> {
    return this.#online;
  }

  /** Whether this node runs the cluster's once-only jobs (one node at a time). */
  get leader(): boolean {
    return this.#leader;
  }

  /** Whether the last beat went through (Redis answers). */
  get connected(): boolean {
    return this.#upSince > 0;
  }

  /**
   * Registers this node and starts beating. Refuses (INVALID_ARGUMENT) a node id that a live node
   * at another URL holds: two nodes under one name would take each other's place in the registry.
   */
  async start(): Promise<void> {
    const [alive, record] = await Promise.all([
      this.#redis.get(this.#keys.alive(this.#self.id)),
      this.#redis.hget(this.#keys.nodes, this.#self.id),
    ]);
    const holder = record ? (JSON.parse(record) as NodeInfo) : undefined;
    if (alive && holder && holder.url !== this.#self.url) {
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `cluster.nodeId '${this.#self.id}' is held by a live node at ${holder.url}: give each node ` +
          'its own nodeId (or stop that node first)',
      );
    }
    await this.#redis.srem(this.#keys.draining, this.#self.id);
    await this.beat();
    this.#timer = setInterval(() => this.#tick(), this.#heartbeatMs);
    this.#timer.unref();
  }

  /** A beat on the timer: one at a time; failures logged once, then every 30th. */
  #tick(): void {
    if (this.#beating || this.#stopped) return;
    this.#beating = this.beat()
      .then(
        () => {
          if (this.#failures > 0)
            this.#logger.info({ failed: this.#failures }, 'cluster registry reachable again');
          this.#failures = 0;
        },
        (err: Error) => {
          this.#upSince = 0;
          if (this.#failures++ % 30 === 0)
            this.#logger.warn(
              { err: err.message, failed: this.#failures },
              'cluster heartbeat failed (Redis unreachable): this node keeps serving its own ' +
                'participants and serves new joins itself',
            );
        },
      )
      .finally(() => (this.#beating = undefined));
  }

  /** One beat: writes this node's record, reads everyone's, drops the dead. */
  async beat(): Promise<void> {
    const redis = this.#redis;
    const draining = (await redis.sismember(this.#keys.draining, this.#self.id)) === 1;
    if (!draining && this.#state === 'draining') {
      // `cosmo drain --cancel`: it takes people again.
      this.#state = 'active';
      this.safeEmit('undrained');
    }
    if (draining && this.#state === 'active') {
      this.#state = 'draining';
      this.safeEmit('draining');
    }
    const load = this.#load();
    const record: NodeInfo = {
      ...this.#self,
      participants: load.participants,
      state: this.#state,
      updatedAt: Date.now(),
    };
    const identities = [...new Set(load.identities)];
    const online = this.#keys.online(this.#self.id);
    const write = redis
      .multi()
      .hset(this.#keys.nodes, this.#self.id, JSON.stringify(record))
      .set(this.#keys.alive(this.#self.id), '1', 'PX', this.#deadAfterMs)
      .del(online);
    if (identities.length > 0) write.sadd(online, ...identities).pexpire(online, this.#deadAfterMs);
    // The leader keeps its lease while it beats; when it stops, another takes it.
    write.set(this.#keys.leader, this.#self.id, 'PX', this.#deadAfterMs, 'NX');
    write.get(this.#keys.leader);
    const results = await write.exec();
    if (this.#stopped) return;
    const reconnected = this.#upSince === 0 && this.#known.size > 0;
    if (this.#upSince === 0) this.#upSince = Date.now();
    const leaderId = results?.at(-1)?.[1];
    this.#leader = leaderId === this.#self.id;
    if (this.#leader) await redis.pexpire(this.#keys.leader, this.#deadAfterMs);
    const all = await readNodes(redis, this.#keys);
    const alive = all.filter((n) => n.alive).map((n) => n.info);
    // Only a node in touch with Redis for a whole deadAfterMs judges the others: right after Redis
    // comes back (a restart empties it), the others have not beaten yet and would look dead.
    const judging = Date.now() - this.#upSince >= this.#deadAfterMs;
    const ids = new Set(alive.map((n) => n.id));
    let lost: string[] = [];
    if (judging) {
      for (const dead of all.filter((n) => !n.alive)) {
        await redis.hdel(this.#keys.nodes, dead.info.id);
        this.#logger.warn({ node: dead.info.id }, 'cluster node stopped heartbeating: dropped');
      }
      lost = [...this.#known].filter((id) => !ids.has(id));
      this.#known = ids;
    } else {
      for (const id of ids) this.#known.add(id);
    }
    this.#nodes = alive;
    this.#online = new Set(
      alive.length > 0 ? await redis.sunion(...alive.map((n) => this.#keys.online(n.id))) : [],
    );
    for (const id of lost) this.safeEmit('lost', id);
    if (reconnected) this.safeEmit('reconnected');
    this.safeEmit('beat', alive.length);
  }

  /** Whether `nodeId` was alive at the last beat. */
  isAlive(nodeId: string): boolean {
    return this.#known.has(nodeId);
  }

  /** Leaves the registry (a planned stop: the others need not wait for the alive key to expire). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    // A beat in flight would write the record back after it is removed.
    await this.#beating;
    await this.#redis
      .multi()
      .hdel(this.#keys.nodes, this.#self.id)
      .del(this.#keys.alive(this.#self.id))
      .del(this.#keys.online(this.#self.id))
      .srem(this.#keys.draining, this.#self.id)
      .exec()
      .catch(() => undefined);
  }
}

/** Every registered node, and whether its alive key is still there. */
export async function readNodes(
  redis: Redis,
  keys: ClusterKeys,
): Promise<{ info: NodeInfo; alive: boolean }[]> {
  const records = await redis.hgetall(keys.nodes);
  const infos = Object.values(records).map((json) => JSON.parse(json) as NodeInfo);
  if (infos.length === 0) return [];
  const alive = await redis.mget(...infos.map((n) => keys.alive(n.id)));
  return infos.map((info, i) => ({ info, alive: alive[i] !== null }));
}
