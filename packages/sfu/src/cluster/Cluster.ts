import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { cosmo } from '@cosmo/core';
import type { School } from '@cosmo/school';
import { handoutToProto, noticeToProto } from '../bridge/wire.js';
import type { Classroom } from '../Classroom.js';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import { CloseCode } from '../Connection.js';
import type { ClassroomDirectory } from '../rooms/ClassroomDirectory.js';
import type { Sessions } from '../sessions/Sessions.js';
import { ClassroomShard } from './ClassroomShard.js';
import { ClusterBus, type ClusterMessageIn } from './ClusterBus.js';
import { NodeRegistry } from './NodeRegistry.js';
import { placeJoin } from './placement.js';
import { isRemote } from './RemoteParticipant.js';

/** The cluster settings of a node that runs in one. */
export type ClusterConfig = NonNullable<Config['cluster']>;

/** What a node's part in the cluster works with. */
export interface ClusterContext {
  config: Config & { cluster: ClusterConfig };
  /** The port the node listens on (known once it listens). */
  port: number;
  logger: Logger;
  classrooms: ClassroomDirectory;
  sessions: Sessions;
  school: School | undefined;
  metrics: Metrics;
}

/** Where a join goes: here, or to another node's signalling URL. */
export type JoinPlacement = { serve: true } | { serve: false; url: string };

/** How many of a draining node's participants are moved each tick (they rejoin elsewhere). */
const DRAIN_BATCH = 20;
const DRAIN_TICK_MS = 250;

/** How long a join waits for Redis to say where it goes before it is served here. */
const PLACE_TIMEOUT_MS = 1000;

/**
 * A node's part in a cluster (docs/cluster.md): it registers and beats in Redis, places joins
 * (serving them or redirecting the client to another node's URL), gives every classroom it opens a
 * shard that meets the other nodes' shards of it over the bus, carries the school's events to the
 * other nodes' connections, drops nodes that stop beating, and drains on `cosmo drain`.
 */
export class Cluster {
  readonly nodeId: string;
  readonly url: string;
  readonly #ctx: ClusterContext;
  readonly #bus: ClusterBus;
  readonly #registry: NodeRegistry;
  readonly #shards = new Map<string, ClassroomShard>();
  #drainTimer: NodeJS.Timeout | undefined;

  private constructor(ctx: ClusterContext, bus: ClusterBus, registry: NodeRegistry, url: string) {
    this.#ctx = ctx;
    this.#bus = bus;
    this.#registry = registry;
    this.nodeId = bus.nodeId;
    this.url = url;
  }

  /** Joins the cluster: connects to Redis, registers, and takes part from now on. */
  static async start(ctx: ClusterContext): Promise<Cluster> {
    const { config, logger } = ctx;
    const settings = config.cluster;
    const nodeId = settings.nodeId ?? `${hostname()}-${ctx.port}`;
    const url = settings.url ?? defaultNodeUrl(config, ctx.port);
    if (/^wss?:\/\/(127\.|localhost|\[::1\])/.test(url) && !settings.url)
      logger.warn(
        { url },
        'cluster.url is unset and this node would be reached at a loopback address: other ' +
          'machines cannot follow a redirect there; set cluster.url (or publicUrl)',
      );
    const bus = await ClusterBus.connect(settings.redisUrl, settings.prefix, nodeId, logger);
    bus.on('sent', () => ctx.metrics.clusterMessages.inc({ direction: 'out' }));
    bus.on('message', () => ctx.metrics.clusterMessages.inc({ direction: 'in' }));
    const registry = new NodeRegistry(
      bus.redis,
      bus.keys,
      { id: nodeId, url, seats: settings.seats },
      () => ({
        participants: ownParticipants(ctx.classrooms),
        identities: ctx.sessions.identities(),
      }),
      logger,
      { heartbeatMs: settings.heartbeatMs, deadAfterMs: settings.deadAfterMs },
    );
    const cluster = new Cluster(ctx, bus, registry, url);
    cluster.#wire();
    await bus.listen(bus.keys.schoolChannel);
    await registry.start();
    logger.info({ nodeId, url, nodes: registry.nodes.length }, 'joined the cluster');
    return cluster;
  }

  /** Whether `identity` is connected to any node (this one now, the others as of the last beat). */
  isOnline(identity: string): boolean {
    return this.#ctx.sessions.isConnected(identity) || this.#registry.online.has(identity);
  }

  /** This node takes nobody new and is moving its participants to other nodes. */
  get draining(): boolean {
    return this.#registry.state === 'draining';
  }

  /** The signalling URLs of the live nodes this one's clients may fall back to. */
  urls(): string[] {
    return this.#registry.nodes.filter((n) => n.state === 'active').map((n) => n.url);
  }

  /** This node's id and state, and how many nodes are live (for /healthz). */
  status(): { node: string; state: 'active' | 'draining'; nodes: number; connected: boolean } {
    return {
      node: this.nodeId,
      state: this.#registry.state,
      nodes: this.#registry.nodes.length,
      connected: this.#registry.connected,
    };
  }

  /**
   * Where a join to `room` goes (see `placeJoin`). Without Redis (it does not answer within a
   * second), here: better a join served without the cluster than a student refused.
   */
  async place(room: string, redirects: number): Promise<JoinPlacement> {
    if (!this.#registry.connected) return { serve: true };
    let timer: NodeJS.Timeout | undefined;
    const counts = await Promise.race([
      this.#bus.redis.hgetall(this.#bus.keys.room(room)),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), PLACE_TIMEOUT_MS);
      }),
    ])
      .catch((err: Error) => {
        this.#ctx.logger.warn({ err: err.message, room }, 'cluster: placement unavailable');
        return undefined;
      })
      .finally(() => clearTimeout(timer));
    if (!counts) return { serve: true };
    const shards = new Map(Object.entries(counts).map(([node, n]) => [node, Number(n)]));
    const placed = placeJoin({
      here: this.nodeId,
      nodes: this.#registry.nodes.map((n) =>
        n.id === this.nodeId
          ? {
              ...n,
              participants: ownParticipants(this.#ctx.classrooms),
              state: this.#registry.state,
            }
          : n,
      ),
      shards,
      seatsPerNode: this.#ctx.config.cluster.seatsPerClassroom,
      redirects,
    });
    return placed.serve ? placed : { serve: false, url: placed.node.url };
  }

  /**
   * Spends one of a person's joins across the cluster (a minute's window in Redis): the per-node
   * allowance alone would let someone hop from node to node with a fresh one each time. True
   * when Redis does not answer (the node's own allowance still applies).
   */
  async spendJoin(identity: string, perMinute: number): Promise<boolean> {
    if (!this.#registry.connected) return true;
    const key = this.#bus.keys.joins(identity, Math.floor(Date.now() / 60_000));
    try {
      const [[, count]] = (await this.#bus.redis
        .multi()
        .incr(key)
        .pexpire(key, 120_000)
        .exec()) as [[unknown, number]];
      return count <= perMinute;
    } catch {
      return true;
    }
  }

  /** Leaves the cluster (a planned stop): the others drop this node at once. */
  async close(): Promise<void> {
    clearInterval(this.#drainTimer);
    for (const shard of this.#shards.values()) await shard.close();
    await this.#registry.stop();
    await this.#bus.close();
  }

  #wire(): void {
    const { classrooms, school, logger } = this.#ctx;
    classrooms.on('opened', (classroom) => this.#openShard(classroom));
    this.#bus.on('message', (m) => this.#receive(m));
    this.#registry.on('beat', (nodes) => {
      this.#ctx.metrics.clusterNodes.set(nodes);
      let mirrors = 0;
      for (const classroom of classrooms.open.values())
        for (const p of classroom.participants.values()) if (isRemote(p)) mirrors++;
      this.#ctx.metrics.clusterMirrors.set(mirrors);
    });
    this.#registry.on('lost', (node) => {
      logger.warn({ node }, 'cluster node lost: its participants leave the shared classrooms');
      for (const shard of this.#shards.values()) shard.nodeLost(node);
    });
    this.#registry.on('draining', () => this.#drain());
    this.#registry.on('undrained', () => {
      clearInterval(this.#drainTimer);
      logger.warn('drain cancelled: this node takes people again');
    });
    this.#registry.on('reconnected', () => {
      logger.warn('cluster registry back: every shared classroom asks the other nodes again');
      for (const shard of this.#shards.values()) shard.resync();
    });
    if (school) {
      // Reminders of unread notices: sent by one node (the leader), knowing who is connected
      // anywhere (on the page if so, else by push and email).
      school.startReminders(
        (personId) => this.isOnline(personId),
        Math.min(60_000, school.options.reminderIntervalMs),
        () => this.#registry.leader,
      );
      school.on('deliver', (personId, notice, reminder) =>
        this.#bus.publish(this.#bus.keys.schoolChannel, {
          school: { personId, notification: noticeToProto(notice, reminder) },
        }),
      );
      school.on('receipts', (notice, r) =>
        this.#bus.publish(this.#bus.keys.schoolChannel, {
          school: {
            personId: notice.senderId,
            receiptSummary: {
              notificationId: notice.id,
              recipients: r.recipients,
              delivered: r.delivered,
              read: r.read,
            },
          },
        }),
      );
      school.on('handoutAdded', (handout) =>
        this.#bus.publish(this.#bus.keys.schoolChannel, {
          school: { classId: handout.classId, handoutAdded: handoutToProto(handout) },
        }),
      );
    }
  }

  #openShard(classroom: Classroom): void {
    const { config, logger } = this.#ctx;
    const shard = new ClassroomShard(
      this.#bus,
      classroom,
      { listenIp: config.listenIp, announcedIp: config.announcedIp },
      logger,
    );
    this.#shards.set(classroom.room, shard);
    classroom.once('closed', () => {
      if (this.#shards.get(classroom.room) === shard) this.#shards.delete(classroom.room);
    });
    shard
      .open()
      .catch((err: Error) =>
        logger.warn({ err: err.message, room: classroom.room }, 'cluster: shard did not open'),
      );
  }

  #receive(m: ClusterMessageIn): void {
    if (m.body === 'school') {
      this.#schoolEvent(m.school!);
      return;
    }
    const shard = this.#shards.get(m.room);
    if (shard) shard.handle(m);
    else if (m.requestId) this.#bus.reply(m, new Error(`no classroom ${m.room} on this node`));
  }

  /** A notice, receipt totals or handout from another node's school, for this node's sockets. */
  #schoolEvent(e: cosmo.v1.SchoolEvent.$Properties): void {
    const { sessions, classrooms } = this.#ctx;
    if (e.notification)
      for (const p of sessions.participantsOf(e.personId ?? ''))
        p.send({ notification: e.notification });
    if (e.receiptSummary)
      for (const p of sessions.participantsOf(e.personId ?? ''))
        p.send({ receiptSummary: e.receiptSummary }, false);
    if (e.handoutAdded)
      for (const classroom of classrooms.open.values())
        if (classroom.classId === e.classId) classroom.deliver({ handoutAdded: e.handoutAdded });
  }

  /**
   * Moves this node's participants off, a batch at a time: their sockets close with MOVED, their
   * clients reconnect to another node (this one redirects them).
   */
  #drain(): void {
    this.#ctx.logger.warn('draining: no new participants; moving the present ones to other nodes');
    clearInterval(this.#drainTimer);
    this.#drainTimer = setInterval(() => {
      let moved = 0;
      for (const classroom of this.#ctx.classrooms.open.values())
        for (const p of [...classroom.participants.values()]) {
          if (isRemote(p) || moved >= DRAIN_BATCH) continue;
          const connection = p.connection;
          p.close('moved');
          connection?.close(CloseCode.MOVED, 'this node is draining; reconnect to another');
          moved++;
        }
      if (moved === 0) clearInterval(this.#drainTimer);
    }, DRAIN_TICK_MS);
  }
}

/** The participants connected to this node (not the mirrors of other nodes'). */
function ownParticipants(classrooms: ClassroomDirectory): number {
  let n = 0;
  for (const classroom of classrooms.open.values())
    for (const p of classroom.participants.values()) if (!isRemote(p)) n++;
  return n;
}

/** This node's signalling URL when none is configured. */
function defaultNodeUrl(config: Config, port: number): string {
  if (config.publicUrl) {
    const u = new URL(config.publicUrl);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.pathname = '/ws';
    return u.toString();
  }
  const host = config.host === '0.0.0.0' ? (config.announcedIp ?? config.listenIp) : config.host;
  return `${config.tls ? 'wss' : 'ws'}://${host}:${port}/ws`;
}
