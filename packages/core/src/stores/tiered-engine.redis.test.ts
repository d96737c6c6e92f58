import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPrefix,
  closeClients,
  connect,
  startRedis,
  uniquePrefix,
  waitUntil,
} from '../../../../test-support/redis-harness';
import { createCache } from '../engine/create-cache';
import { redisBus } from '../redis/redis-bus';
import { redisStore } from '../redis/redis-store';
import type { RouteCache } from '../types';
import { memoryStore } from './memory';
import { type TieredStore, tieredStore } from './tiered';

let client: Redis;
const prefixes: string[] = [];
const caches: RouteCache[] = [];

/** One app instance: createCache over its own L1, the shared Redis L2 and a bus on its own connection. */
async function instance(
  redis: Redis,
  prefix: string,
  channel: string,
): Promise<{ cache: RouteCache; store: TieredStore }> {
  const store = tieredStore({
    l1: memoryStore(),
    l2: redisStore({ client: redis, prefix }),
    bus: redisBus({ client: redis, channel, heartbeatMs: 100 }),
  });
  await waitUntil(async () => store.busHealthy, 5000, 'bus subscribed');
  const cache = createCache({ store });
  caches.push(cache);
  return { cache, store };
}

beforeAll(async () => {
  client = await connect();
});
afterEach(async () => {
  await Promise.all(caches.splice(0).map((c) => c.close()));
  for (const prefix of prefixes.splice(0)) await cleanupPrefix(client, prefix);
});
afterAll(closeClients);

describe('createCache over tieredStore + redisStore + redisBus (two instances in one process)', () => {
  it('shares entries through L2 and an invalidation on one instance reaches the other', async () => {
    const prefix = uniquePrefix('eng');
    prefixes.push(prefix);
    const channel = uniquePrefix('bus');
    const a = await instance(await connect(), prefix, channel);
    const b = await instance(await connect(), prefix, channel);
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await a.cache.getOrSet('product:1', load, { ttl: 60, tags: ['product:1'] })).toEqual({ n: 1 });
    expect(await b.cache.getOrSet('product:1', load, { ttl: 60, tags: ['product:1'] })).toEqual({ n: 1 });
    expect(await b.cache.getOrSet('product:1', load, { ttl: 60, tags: ['product:1'] })).toEqual({ n: 1 }); // b's L1
    expect(loads).toBe(1);
    expect(b.store.stats().l1.hits).toBeGreaterThan(0);

    await a.cache.invalidate({ tags: ['product:1'] });
    await waitUntil(
      async () => (await b.cache.getOrSet('product:1', load, { ttl: 60, tags: ['product:1'] })).n === 2,
      2000,
      'b to see the invalidation',
    );
    expect(loads).toBe(2);
  });

  it('keeps answering from the loader while Redis is down, and caches again once it is back', async () => {
    const server = await startRedis();
    const redis = await connect(server.url);
    const { cache } = await instance(redis, 'down:', 'down-bus');
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.getOrSet('k', load, { ttl: 60 })).toBe(1);
    await server.kill();
    expect(await cache.getOrSet('other', load, { ttl: 60 })).toBe(2); // no rejection, the loader ran
    await server.restart();
    // Redis back (same store, same client): new entries land in Redis again (a fresh key per
    // attempt: a key written while L2 was failing lives on in L1 only).
    let attempt = 0;
    await waitUntil(
      async () => {
        attempt++;
        await cache.getOrSet(`cached${attempt}`, load, { ttl: 60 });
        return (await redis.keys(`down:*e:*cached${attempt}`)).length === 1;
      },
      15_000,
      'stored in Redis again',
    );
  });
});
