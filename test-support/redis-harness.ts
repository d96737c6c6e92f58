/**
 * Test helpers for real Redis servers on loopback (import from test files only).
 *
 * - `startRedis()` / `startCluster()` (from `redis-servers.ts`) spawn extra servers a test can
 *   kill, restart or freeze for fault tests.
 * - `connect()` / `connectCluster()` return ioredis clients with the project's recommended
 *   settings, pointed at the shared servers the global setup provided (`inject('redis')`).
 * - `uniquePrefix()` + `cleanupPrefix()` give every test its own key space on shared servers
 *   (SCAN + UNLINK on every master; never FLUSHALL).
 */
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, inject, onTestFinished } from 'vitest';
import {
  recommendedClusterOptions,
  recommendedRedisOptions,
} from '../packages/core/src/redis/recommended-options';
import {
  type RedisCluster,
  type RedisServer,
  type RedisTopology,
  type StartRedisOptions,
  startCluster as startClusterProcesses,
  startRedis as startRedisProcess,
} from './redis-servers';

export * from './redis-servers';

/** Servers started from test files; stopped when their test ends, or at the latest after the file. */
const startedByTests = new Set<{ stop(): Promise<void> }>();
afterAll(async () => {
  const left = [...startedByTests];
  startedByTests.clear();
  await Promise.all(left.map((s) => s.stop()));
});

function stopWithTest(server: { stop(): Promise<void> }): void {
  startedByTests.add(server);
  try {
    // Inside a test: stop it when the test ends, passed or failed.
    onTestFinished(async () => {
      startedByTests.delete(server);
      await server.stop();
    });
  } catch {
    // Called from a hook: the file-level afterAll above stops it.
  }
}

/**
 * `startRedis()` for test files: the server is stopped automatically when the test that started
 * it ends (or after the file, when started in a hook), even if the test fails half-way.
 */
export async function startRedis(options?: StartRedisOptions): Promise<RedisServer> {
  const server = await startRedisProcess(options);
  stopWithTest(server);
  return server;
}

/** `startCluster()` for test files, stopped automatically like `startRedis()`. */
export async function startCluster(): Promise<RedisCluster> {
  const cluster = await startClusterProcesses();
  stopWithTest(cluster);
  return cluster;
}

declare module 'vitest' {
  export interface ProvidedContext {
    redis: RedisTopology;
  }
}

/** The topology the global setup provided. */
export function redisTopology(): RedisTopology {
  return inject('redis');
}

const openClients = new Set<Redis | Cluster>();

/**
 * An ioredis client with the recommended settings, connected to the shared standalone server
 * (or `url`). Call `closeClients()` in `afterAll`.
 */
export async function connect(
  url: string = redisTopology().url,
  extra: Partial<Redis['options']> = {},
): Promise<Redis> {
  const client = new Redis(url, { ...recommendedRedisOptions, lazyConnect: true, ...extra });
  client.on('error', () => {}); // connection errors surface as command rejections in the tests
  openClients.add(client);
  await client.connect();
  return client;
}

/** An ioredis Cluster client with the recommended settings, connected to the shared cluster (or `nodes`). */
export async function connectCluster(
  nodes: { host: string; port: number }[] = redisTopology().clusterNodes,
): Promise<Cluster> {
  const client = new Cluster(nodes, { ...recommendedClusterOptions, lazyConnect: true });
  client.on('error', () => {});
  openClients.add(client);
  await client.connect();
  return client;
}

/** Closes every client `connect()` / `connectCluster()` opened. */
export async function closeClients(): Promise<void> {
  const clients = [...openClients];
  openClients.clear();
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
}

/** A key prefix no other test uses, e.g. `t:4f2a9c:`. */
export function uniquePrefix(label = 't'): string {
  return `${label}:${randomBytes(4).toString('hex')}:`;
}

/** Escapes glob characters for `SCAN MATCH`. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Deletes every key starting with `prefix` on every master (SCAN + UNLINK). Resolves how many. */
export async function cleanupPrefix(client: Redis | Cluster, prefix: string): Promise<number> {
  const targets = client instanceof Cluster ? client.nodes('master') : [client];
  let removed = 0;
  for (const node of targets) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      // One UNLINK per key: in a cluster, keys of different slots cannot share a command.
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.unlink(key);
      for (const [error, count] of (await pipeline.exec()) ?? []) if (!error) removed += Number(count);
    } while (cursor !== '0');
  }
  return removed;
}
