import type { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPrefix,
  closeClients,
  connectCluster,
  uniquePrefix,
} from '../../../../test-support/redis-harness';
import { storeConformanceSuite } from '../testing';
import type { CacheEntry } from '../types';
import { redisStore } from './redis-store';

function entry(key: string, tags: string[] = [], body?: Uint8Array): CacheEntry {
  const now = Date.now();
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 10,
    staleIfError: 0,
    expiresAt: now + 70_000,
    tags,
    ...(body
      ? { response: { status: 200, headers: { 'content-type': 'application/octet-stream' }, body } }
      : {}),
  };
}

/**
 * The per-call bound of the stores that write hundreds of entries at once. Those tests check
 * where entries land and what an invalidation reaches, not the timeout: with the default 250 ms,
 * a burst of 300–500 concurrent scripts on a loaded 2-core machine (CI) sometimes outlasts it.
 */
const LOADED_MACHINE_TIMEOUT_MS = 10_000;

let client: Cluster;
const prefixes: string[] = [];
function newPrefix(): string {
  const prefix = uniquePrefix('rsc');
  prefixes.push(prefix);
  return prefix;
}

/** Counts this prefix's entry keys on each master. */
async function entriesPerMaster(prefix: string): Promise<number[]> {
  return Promise.all(
    client.nodes('master').map(async (node) => {
      let count = 0;
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        count += keys.filter((k) => k.includes('}e:')).length;
      } while (cursor !== '0');
      return count;
    }),
  );
}

beforeAll(async () => {
  client = await connectCluster();
});
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await cleanupPrefix(client, prefix);
});
afterAll(closeClients);

describe('redisStore (cluster)', () => {
  it('spreads entries over every master', async () => {
    const prefix = newPrefix();
    const store = redisStore({ client, prefix, timeoutMs: LOADED_MACHINE_TIMEOUT_MS });
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.set(`k${i}`, entry(`k${i}`, ['all']))));
    const counts = await entriesPerMaster(prefix);
    expect(counts).toHaveLength(3);
    for (const count of counts) expect(count).toBeGreaterThan(0);
    expect(counts.reduce((a, b) => a + b)).toBe(300);
  });

  it('invalidates tags spanning many hash slots completely (100 tags, 500 keys), without CROSSSLOT', async () => {
    const prefix = newPrefix();
    const store = redisStore({ client, prefix, timeoutMs: LOADED_MACHINE_TIMEOUT_MS });
    // key i carries tags t(i % 100) and t((i * 7) % 100) and a shared one
    const tagsOf = (i: number) => [`t${i % 100}`, `t${(i * 7) % 100}`, 'shared'];
    const written = await Promise.all(
      Array.from({ length: 500 }, (_, i) => store.set(`GET host/item/${i}`, entry(`item${i}`, tagsOf(i)))),
    );
    expect(written.every(Boolean)).toBe(true);
    const reads = await Promise.all(Array.from({ length: 500 }, (_, i) => store.get(`GET host/item/${i}`)));
    expect(reads.filter(Boolean)).toHaveLength(500);

    // invalidate half the tags: exactly the keys carrying one of them go
    const invalidated = Array.from({ length: 50 }, (_, i) => `t${i * 2}`);
    const hit = new Set(invalidated);
    const expectedGone = Array.from({ length: 500 }, (_, i) => i).filter((i) =>
      tagsOf(i).some((t) => hit.has(t)),
    );
    expect(await store.invalidateTags(invalidated, 'delete', Date.now())).toBe(expectedGone.length);
    const after = await Promise.all(Array.from({ length: 500 }, (_, i) => store.get(`GET host/item/${i}`)));
    for (let i = 0; i < 500; i++) expect(after[i] === undefined, `key ${i}`).toBe(expectedGone.includes(i));

    // and the shared tag reaches everything that is left, on every master
    expect(await store.invalidateTags(['shared'], 'delete', Date.now())).toBe(500 - expectedGone.length);
    expect(await entriesPerMaster(prefix)).toEqual([0, 0, 0]);
  });

  it('expire mode reaches every master and keeps entries stale-servable', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.set(`k${i}`, entry(`k${i}`, ['e']))));
    const now = Date.now();
    expect(await store.invalidateTags(['e'], 'expire', now)).toBe(100);
    const reads = await Promise.all(Array.from({ length: 100 }, (_, i) => store.get(`k${i}`)));
    for (const read of reads) expect(read?.freshUntil).toBe(now);
  });

  it('round-trips binary bodies and works for every multi-key operation', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    const body = Uint8Array.from({ length: 1024 }, (_, i) => (i * 31) % 256);
    const keys = Array.from({ length: 40 }, (_, i) => `bin${i}`);
    await Promise.all(keys.map((k) => store.set(k, entry(k, ['x', `y${k}`], body))));
    for (const k of keys.slice(0, 5)) {
      expect(Buffer.from((await store.get(k))!.response!.body).equals(Buffer.from(body))).toBe(true);
    }
    expect(await store.expireKeys(keys.slice(0, 10), Date.now())).toBe(10);
    expect(await store.delete(keys.slice(10, 20))).toBe(10);
    expect(await store.invalidateTags(['x'], 'delete', Date.now())).toBe(30);
  });

  it('applies the race guard per bucket on the cluster', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    const started = Date.now();
    await store.invalidateTags(['guarded'], 'delete', started + 1);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.set(`g${i}`, entry(`g${i}`, ['guarded']), { notBefore: started }),
      ),
    );
    expect(results.every((r) => r === false)).toBe(true);
  });

  it('clear removes the prefix on every master', async () => {
    const prefix = newPrefix();
    const store = redisStore({ client, prefix });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.set(`k${i}`, entry(`k${i}`, ['t']))));
    await store.clear();
    expect(await entriesPerMaster(prefix)).toEqual([0, 0, 0]);
    expect(await cleanupPrefix(client, prefix)).toBe(0);
  });

  it("reports the masters' eviction policy, each distinct one when they differ", async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    expect((await store.probe({ timeoutMs: 2000, keyspaceSample: 0 })).l2?.evictionPolicy).toBe('noeviction');
    const [first] = client.nodes('master');
    await first!.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const probe = await store.probe({ timeoutMs: 2000, keyspaceSample: 0 });
      expect(probe.l2?.evictionPolicy).toBe('allkeys-lru, noeviction');
      expect(store.evictionPolicy).toBe('allkeys-lru, noeviction');
    } finally {
      await first!.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('locks on the cluster: one holder', async () => {
    const prefix = newPrefix();
    const a = redisStore({ client, prefix });
    const b = redisStore({ client, prefix });
    const release = await a.lock.acquire('k', 5_000);
    expect(release).toBeTypeOf('function');
    expect(await b.lock.acquire('k', 5_000)).toBeUndefined();
    await release!();
    expect(await b.lock.acquire('k', 5_000)).toBeTypeOf('function');
  });
});

storeConformanceSuite({
  name: 'redisStore (cluster)',
  createStore: () => redisStore({ client, prefix: newPrefix() }),
});
