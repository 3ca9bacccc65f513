import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { redactUrl } from './ClusterBus.js';
import { clusterKeys } from './keys.js';
import { readNodes, type NodeInfo } from './NodeRegistry.js';

/** Where the cluster's registry is: `cluster.redisUrl` and `cluster.prefix` of the config. */
export interface RegistryAddress {
  redisUrl: string;
  prefix: string;
}

async function withRedis<T>(at: RegistryAddress, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(at.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new CosmoError(
      ErrorCode.UNAVAILABLE,
      `cannot reach Redis at ${redactUrl(at.redisUrl)} (cluster.redisUrl): ${(err as Error).message}`,
    );
  }
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** Takes a node out of its drain (`cosmo drain --cancel NODE`): it takes people again. */
export function cancelDrain(at: RegistryAddress, nodeId: string): Promise<boolean> {
  return withRedis(
    at,
    async (redis) => (await redis.srem(clusterKeys(at.prefix).draining, nodeId)) === 1,
  );
}

/** The registered nodes and whether each is alive (`cosmo nodes`). */
export function listNodes(at: RegistryAddress): Promise<{ info: NodeInfo; alive: boolean }[]> {
  return withRedis(at, (redis) => readNodes(redis, clusterKeys(at.prefix)));
}

/**
 * Asks a node to drain (`cosmo drain NODE`): at its next beat it takes nobody new and moves its
 * participants to other nodes, a batch at a time. Resolves once it serves nobody, reporting its
 * count on the way; NOT_FOUND for a node the registry does not know (the known ones are named).
 */
export function drainNode(
  at: RegistryAddress,
  nodeId: string,
  options: { timeoutMs?: number; onProgress?: (participants: number) => void } = {},
): Promise<void> {
  const keys = clusterKeys(at.prefix);
  return withRedis(at, async (redis) => {
    const nodes = await readNodes(redis, keys);
    const node = nodes.find((n) => n.info.id === nodeId && n.alive);
    if (!node) {
      const known = nodes.filter((n) => n.alive).map((n) => n.info.id);
      throw new CosmoError(
        ErrorCode.NOT_FOUND,
        `no live node '${nodeId}' in the cluster (live: ${known.join(', ') || 'none'})`,
      );
    }
    const elsewhere = nodes.filter(
      (n) => n.alive && n.info.id !== nodeId && n.info.state === 'active',
    );
    if (elsewhere.length === 0)
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        `'${nodeId}' is the last active node: its participants would have nowhere to go ` +
          '(start another node first)',
      );
    await redis.sadd(keys.draining, nodeId);
    const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
    for (;;) {
      const now = (await readNodes(redis, keys)).find((n) => n.info.id === nodeId);
      // Gone (stopped) or empty and draining: done.
      if (!now?.alive) return;
      options.onProgress?.(now.info.participants);
      if (now.info.state === 'draining' && now.info.participants === 0) return;
      if (Date.now() > deadline)
        throw new CosmoError(
          ErrorCode.TIMEOUT,
          `node '${nodeId}' still serves ${now.info.participants} participants; it keeps draining`,
        );
      await sleep(500);
    }
  });
}
