import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CosmoError, ErrorCode, TypedEmitter, cosmo } from '@cosmo/core';
import { clusterKeys, type ClusterKeys } from './keys.js';

const { ClusterMessage } = cosmo.v1;

/** A message between nodes, as built by a sender (`fromNode` is filled in by the bus). */
export type ClusterInit = Omit<cosmo.v1.ClusterMessage.$Properties, 'fromNode'>;
/** A message as received. */
export type ClusterMessageIn = cosmo.v1.ClusterMessage.$Properties & {
  fromNode: string;
  room: string;
  requestId: number;
  reply: boolean;
  body: NonNullable<cosmo.v1.ClusterMessage['body']>;
};

/** Bus events: a message for this node (direct, or on a room or channel it listens to). */
export type ClusterBusEvents = {
  message: [message: ClusterMessageIn, channel: string];
  /** A message went out (for the metrics). */
  sent: [];
};

/** How long a node waits for another to answer a request. */
const REQUEST_TIMEOUT_MS = 5000;

/**
 * The cluster's message bus: Redis pub/sub carrying protobuf `ClusterMessage`s. Each node listens
 * on its own channel (direct messages and answers), on the channel of every room it has a shard
 * of, and on the school's channel. Requests are answered on the asker's channel under the same
 * number; one unanswered after 5 s fails with TIMEOUT. Pub/sub delivers at most once: what must
 * not be lost is in PostgreSQL, not here.
 */
export class ClusterBus extends TypedEmitter<ClusterBusEvents> {
  readonly nodeId: string;
  /** The cluster's names in Redis (keys and channels). */
  readonly keys: ClusterKeys;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #logger: Logger;
  readonly #pending = new Map<
    number,
    { resolve: (m: ClusterMessageIn) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  #nextRequest = 1;
  #closed = false;
  #publishFailureLogged = 0;

  private constructor(nodeId: string, keys: ClusterKeys, pub: Redis, sub: Redis, logger: Logger) {
    super();
    this.nodeId = nodeId;
    this.keys = keys;
    this.#pub = pub;
    this.#sub = sub;
    this.#logger = logger;
    sub.on('messageBuffer', (channel: Buffer, data: Buffer) => this.#receive(channel, data));
  }

  /** Connects to Redis (publisher and subscriber) and listens on this node's channel. */
  static async connect(
    redisUrl: string,
    prefix: string,
    nodeId: string,
    logger: Logger,
  ): Promise<ClusterBus> {
    const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true };
    const pub = new Redis(redisUrl, options);
    const sub = new Redis(redisUrl, options);
    // The cause of a failed connect (ECONNREFUSED…) comes as an error event; the connect itself
    // only says "Connection is closed". While running, an outage is logged once a minute.
    let cause: Error | undefined;
    let lastLogged = 0;
    for (const r of [pub, sub])
      r.on('error', (err: Error) => {
        cause = err;
        if (Date.now() - lastLogged < 60_000) return;
        lastLogged = Date.now();
        logger.warn({ err: err.message }, 'cluster Redis connection failing (retrying)');
      });
    try {
      await Promise.all([pub.connect(), sub.connect()]);
    } catch (err) {
      pub.disconnect();
      sub.disconnect();
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        `cannot reach Redis at ${redactUrl(redisUrl)} (cluster.redisUrl): ${(cause ?? (err as Error)).message}`,
      );
    }
    const bus = new ClusterBus(nodeId, clusterKeys(prefix), pub, sub, logger);
    await bus.listen(bus.keys.nodeChannel(nodeId));
    return bus;
  }

  /** The command connection, for the registry's keys. */
  get redis(): Redis {
    return this.#pub;
  }

  async listen(channel: string): Promise<void> {
    await this.#sub.subscribe(channel);
  }

  async unlisten(channel: string): Promise<void> {
    if (!this.#closed) await this.#sub.unsubscribe(channel);
  }

  /** Publishes to a channel (a room's, the school's, or a node's). */
  publish(channel: string, message: ClusterInit): void {
    if (this.#closed) return;
    const bytes = ClusterMessage.encode({ ...message, fromNode: this.nodeId }).finish();
    this.safeEmit('sent');
    this.#pub.publish(channel, Buffer.from(bytes)).catch((err: Error) => {
      // Said once a minute: an outage is already logged by the heartbeat.
      if (Date.now() - this.#publishFailureLogged < 60_000) return;
      this.#publishFailureLogged = Date.now();
      this.#logger.warn({ err: err.message, channel }, 'cluster messages not sent (Redis)');
    });
  }

  /** Sends to one node. */
  send(node: string, message: ClusterInit): void {
    this.publish(this.keys.nodeChannel(node), message);
  }

  /** Asks one node; resolves with its answer, or rejects with its error or TIMEOUT. */
  request(node: string, message: ClusterInit): Promise<ClusterMessageIn> {
    const requestId = this.#nextRequest++;
    if (this.#nextRequest > 0xffff_fff0) this.#nextRequest = 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new CosmoError(ErrorCode.TIMEOUT, `cluster node ${node} did not answer`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(requestId, { resolve, reject, timer });
      this.send(node, { ...message, requestId });
    });
  }

  /** Answers a request with a body, or with an error. */
  reply(to: ClusterMessageIn, message: ClusterInit | Error): void {
    const body =
      message instanceof Error
        ? {
            error:
              message instanceof CosmoError
                ? message.toWire()
                : { code: ErrorCode.INTERNAL, message: message.message },
          }
        : message;
    this.send(to.fromNode, { ...body, room: to.room, requestId: to.requestId, reply: true });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new CosmoError(ErrorCode.CLOSED, 'the cluster bus closed'));
    }
    this.#pending.clear();
    await Promise.allSettled([this.#pub.quit(), this.#sub.quit()]);
  }

  #receive(channel: Buffer, data: Buffer): void {
    let message: ClusterMessageIn;
    try {
      message = ClusterMessage.decode(data) as unknown as ClusterMessageIn;
    } catch (err) {
      this.#logger.warn({ err: (err as Error).message }, 'undecodable cluster message dropped');
      return;
    }
    // A room's channel echoes our own messages back.
    if (message.fromNode === this.nodeId || !message.body) return;
    if (message.reply) {
      const pending = this.#pending.get(message.requestId);
      if (!pending) return;
      this.#pending.delete(message.requestId);
      clearTimeout(pending.timer);
      if (message.body === 'error') pending.reject(CosmoError.fromWire(message.error!));
      else pending.resolve(message);
      return;
    }
    this.safeEmit('message', message, channel.toString());
  }
}

/** A connection URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
