import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPrefix,
  closeClients,
  connect,
  type RedisServer,
  startRedis,
  uniquePrefix,
  waitUntil,
} from '../../../../test-support/redis-harness';
import { redisBus } from '../redis/redis-bus';
import { redisStore } from '../redis/redis-store';
import { storeConformanceSuite } from '../testing';
import type { CacheEntry, Store } from '../types';
import { memoryStore } from './memory';
import { tieredStore } from './tiered';

function entry(key: string, overrides: Partial<CacheEntry> = {}): CacheEntry {
  const now = Date.now();
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    expiresAt: now + 60_000,
    tags: [],
    ...overrides,
  };
}

let client: Redis;
const prefixes: string[] = [];
const stores: Store[] = [];
function newPrefix(): string {
  const prefix = uniquePrefix('tr');
  prefixes.push(prefix);
  return prefix;
}

/** One app instance: its own L1, the shared Redis L2 and a bus on its own connection. */
async function instance(redis: Redis, prefix: string, channel: string) {
  const bus = redisBus({ client: redis, channel, heartbeatMs: 100 });
  const store = tieredStore({ l1: memoryStore(), l2: redisStore({ client: redis, prefix }), bus });
  stores.push(store);
  await waitUntil(async () => store.busHealthy, 5000, 'bus subscribed');
  return store;
}

beforeAll(async () => {
  client = await connect();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close?.()));
  for (const prefix of prefixes.splice(0)) await cleanupPrefix(client, prefix);
});
afterAll(closeClients);

describe('tieredStore over Redis with redisBus', () => {
  it('an invalidation on one instance reaches the L1 of the others (delay measured)', async () => {
    const prefix = newPrefix();
    const channel = uniquePrefix('bus');
    const [a, b, c] = await Promise.all(
      [0, 1, 2].map(async () => instance(await connect(), prefix, channel)),
    );
    await a!.set('k', entry('k', { tags: ['product:1'] }));
    // Each of b and c serves it from its own L1 (retried: the bus message of a's write may
    // arrive after a first read and drop that read's copy, as it should).
    for (const other of [b!, c!]) {
      await waitUntil(
        async () => {
          const before = other.stats().l1.hits;
          return (await other.get('k')) !== undefined && other.stats().l1.hits > before;
        },
        2000,
        'a read served from L1',
      );
    }

    const started = performance.now();
    await a!.invalidateTags(['product:1'], 'delete', Date.now());
    await waitUntil(
      async () => (await b!.get('k')) === undefined && (await c!.get('k')) === undefined,
      2000,
      'eviction',
    );
    const delayMs = performance.now() - started;
    console.info(`[routecache] cross-instance invalidation delay: ${delayMs.toFixed(1)} ms`);
    expect(delayMs).toBeLessThan(2000);
  });

  it('an overwrite on one instance is seen by the others at once', async () => {
    const prefix = newPrefix();
    const channel = uniquePrefix('bus');
    const a = await instance(await connect(), prefix, channel);
    const b = await instance(await connect(), prefix, channel);
    await a.set('k', entry('k', { value: 'v1' }));
    expect((await b.get('k'))?.value).toBe('v1');
    await a.set('k', entry('k', { value: 'v2' }));
    await waitUntil(async () => (await b.get('k'))?.value === 'v2', 2000, 'new value');
  });

  it('drops L1 when the subscriber connection is killed (CLIENT KILL TYPE pubsub) and uses it again after', async () => {
    const prefix = newPrefix();
    const channel = uniquePrefix('bus');
    const a = await instance(await connect(), prefix, channel);
    const b = await instance(await connect(), prefix, channel);
    await a.set('k', entry('k', { value: 'v1' }));
    await b.get('k'); // into b's L1
    await client.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitUntil(async () => !b.busHealthy, 2000, 'unhealthy');
    // While the bus is down, a change on a reaches b through L2 (L1 bypassed)
    await client.set('unrelated', '1'); // keep the server busy with something else meanwhile
    await a.set('k', entry('k', { value: 'v2' }));
    expect((await b.get('k'))?.value).toBe('v2');
    await waitUntil(async () => b.busHealthy && a.busHealthy, 5000, 'healthy again');
    const hitsBefore = b.stats().l1.hits;
    await b.get('k');
    await b.get('k');
    expect(b.stats().l1.hits).toBeGreaterThan(hitsBefore);
    await client.del('unrelated');
  });

  describe('when Redis fails', () => {
    let server: RedisServer;
    afterEach(async () => {
      await server?.stop();
    });

    it('keeps serving L1 while Redis is down, counts L2 errors, and picks Redis up again', async () => {
      server = await startRedis();
      const redis = await connect(server.url);
      const l1 = memoryStore();
      const store = tieredStore({ l1, l2: redisStore({ client: redis, prefix: 'x:', breaker: false }) });
      stores.push(store);
      await store.set('k', entry('k'));
      await server.kill();
      expect(await store.get('k')).toBeDefined(); // L1
      expect(await store.get('other')).toBeUndefined(); // L2 down: a miss, not a rejection
      expect(store.stats().l2.errors).toBeGreaterThan(0);
      await server.restart();
      await waitUntil(async () => redis.status === 'ready', 10_000, 'reconnected');
      await store.set('again', entry('again'));
      await l1.clear!();
      expect(await store.get('again')).toBeDefined();
      expect(store.stats().l2.hits).toBe(1);
    });
  });
});

storeConformanceSuite({
  name: 'tieredStore (memory + redis)',
  createStore: () => tieredStore({ l1: memoryStore(), l2: redisStore({ client, prefix: newPrefix() }) }),
});

storeConformanceSuite({
  name: 'tieredStore (memory + redis, with redisBus)',
  createStore: async () => {
    const store = tieredStore({
      l1: memoryStore(),
      l2: redisStore({ client, prefix: newPrefix() }),
      bus: redisBus({ client, channel: uniquePrefix('bus') }),
    });
    await waitUntil(async () => store.busHealthy, 5000, 'bus subscribed');
    return store;
  },
});
