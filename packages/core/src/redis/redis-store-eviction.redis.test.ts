/**
 * redisStore on a Redis that evicts (an evicting `maxmemory-policy`): any key can disappear on its
 * own, a tag's index set or a race-guard time as well as an entry. A missing key must never read
 * as "fresh" or "not invalidated". Each test starts its own server (it reconfigures it).
 */
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type RedisServer, startRedis } from '../../../../test-support/redis-harness';
import type { CacheEntry } from '../types';
import { redisStore } from './redis-store';

function entry(key: string, tags: string[], bytes = 0, now = Date.now()): CacheEntry {
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    expiresAt: now + 60_000,
    tags,
    ...(bytes ? { response: { status: 200, headers: {}, body: new Uint8Array(bytes).fill(7) } } : {}),
  };
}

async function evictedKeys(client: Redis): Promise<number> {
  return Number(/evicted_keys:(\d+)/.exec(await client.info('stats'))?.[1]);
}

/** Makes Redis evict (filler keys outside the store's prefix), then stops it from evicting more. */
async function causeEvictions(client: Redis): Promise<void> {
  await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
  await client.config('SET', 'maxmemory', '3mb');
  const filler = Buffer.alloc(64 * 1024, 1);
  for (let i = 0; i < 100 && (await evictedKeys(client)) === 0; i++) await client.set(`filler:${i}`, filler);
  await client.config('SET', 'maxmemory', '0');
  expect(await evictedKeys(client)).toBeGreaterThan(0);
}

describe('redisStore on an evicting Redis', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('serves no entry of an invalidated tag even when Redis evicted keys of its index (allkeys-random)', async () => {
    // allkeys-random picks any key, the tag sets too, which LRU tends to spare (they are hot).
    server = await startRedis({ maxmemory: '4mb', maxmemoryPolicy: 'allkeys-random' });
    const client = await connect(server.url);
    const store = redisStore({ client, timeoutMs: 2000 });
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    for (const key of keys) await store.set(key, entry(key, ['shared', `own:${key}`], 24 * 1024));
    expect(await evictedKeys(client)).toBeGreaterThan(50);
    await store.invalidateTags(['shared'], 'delete', Date.now());
    const served = (await Promise.all(keys.map((key) => store.get(key)))).filter(Boolean);
    expect(served.map((e) => e!.key)).toEqual([]);
  });

  it('reads an entry whose tag set is gone (as after its eviction) as a miss, and stores it again', async () => {
    server = await startRedis();
    const client = await connect(server.url);
    const prefix = 'ev:';
    const store = redisStore({ client, prefix });
    await store.set('a', entry('a', ['x', 'y']));
    await store.set('b', entry('b', ['y']));
    await client.del(`${prefix}{0}t:x`);
    expect(await store.get('a')).toBeUndefined();
    expect((await store.get('b'))?.key).toBe('b');
    await store.set('a', entry('a', ['x', 'y']));
    expect((await store.get('a'))?.key).toBe('a');
  });

  describe('race guard', () => {
    /** The store under a clock the test moves, on a fresh server. */
    async function setUp() {
      server = await startRedis();
      const client = await connect(server.url);
      let now = 1_000_000;
      const store = redisStore({ client, prefix: 'rg:', clock: () => now });
      return { client, store, at: (ms: number) => (now = ms) };
    }

    it('drops a write that started before an invalidation whose guard was evicted, once Redis evicted keys', async () => {
      const { client, store, at } = await setUp();
      await causeEvictions(client);
      const started = 1_000_000;
      await store.invalidateTags(['t'], 'delete', started + 5);
      await client.del('rg:{0}i:t'); // the guard time, evicted
      at(started + 10);
      expect(await store.set('a', entry('a', ['t']), { notBefore: started })).toBe(false);
      // a run that started after the evictions were seen stores again
      at(started + 20);
      expect(await store.set('a', entry('a', ['t']), { notBefore: started + 11 })).toBe(true);
      expect((await store.get('a'))?.key).toBe('a');
    });

    it('drops such a write when the bucket guard floor itself was evicted', async () => {
      const { client, store, at } = await setUp();
      await causeEvictions(client);
      const started = 1_000_000;
      await store.invalidateTags(['t'], 'delete', started + 5);
      await client.del('rg:{0}i:t', 'rg:{0}f');
      at(started + 10);
      expect(await store.set('a', entry('a', ['t']), { notBefore: started })).toBe(false);
    });

    it('without evictions, stores a run that overlapped invalidations of other tags (no extra miss)', async () => {
      const { client, store, at } = await setUp();
      expect(await evictedKeys(client)).toBe(0);
      const started = 1_000_000;
      at(started + 1);
      // the first write of the bucket, before any invalidation: no floor yet
      expect(await store.set('first', entry('first', ['t']), { notBefore: started })).toBe(true);
      await store.invalidateTags(['other'], 'delete', started + 5);
      await store.expireKeys(['another'], started + 6);
      at(started + 10);
      expect(await store.set('a', entry('a', ['t']), { notBefore: started })).toBe(true);
      // while the invalidated tag's own guard still drops it
      expect(await store.set('b', entry('b', ['other']), { notBefore: started })).toBe(false);
    });
  });
});
