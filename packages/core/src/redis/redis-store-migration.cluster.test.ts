/**
 * Tag invalidation while a Cluster slot is being migrated: keys move one `MIGRATE` at a time, so
 * an entry and its tag set can sit on different nodes for a while. On its own Cluster (the test
 * reshards it), with one bucket, so every key of the store is in one slot.
 */
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeSlotMigration,
  keysLeftInSlot,
  migrateKeys,
  openSlotMigration,
  type SlotMigration,
} from '../../../../test-support/consistency/cluster-faults';
import {
  closeClients,
  connectCluster,
  type RedisCluster,
  rawCommand,
  startCluster,
  uniquePrefix,
} from '../../../../test-support/redis-harness';
import type { CacheEntry } from '../types';
import { type RedisStore, redisStore } from './redis-store';

function entry(key: string, tags: string[]): CacheEntry {
  const now = Date.now();
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 10,
    staleIfError: 0,
    expiresAt: now + 70_000,
    tags,
  };
}

let cluster: RedisCluster;
let client: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
  client = await connectCluster(cluster.startupNodes);
}, 60_000);
afterAll(async () => {
  await closeClients();
  await cluster?.stop();
});

/** A one-bucket store (all its keys in the slot of `{0}`) whose tag `t` was invalidated once, so its guard keys exist. */
async function storeWithGuards(): Promise<{ store: RedisStore; base: string; slot: number }> {
  const prefix = uniquePrefix('rsm');
  // The store's per-call timeout is not what this file tests; ioredis retries TRYAGAIN meanwhile.
  const store = redisStore({ client, prefix, buckets: 1, timeoutMs: 5000 });
  await store.invalidateTags(['t'], 'delete', Date.now());
  const base = `${prefix}{0}`;
  const slot = Number(await rawCommand(cluster.startupNodes[0]!.port, ['CLUSTER', 'KEYSLOT', base]));
  return { store, base, slot };
}

async function migrateTheRest(migration: SlotMigration): Promise<void> {
  for (let keys = await keysLeftInSlot(migration, 100); keys.length > 0; ) {
    await migrateKeys(migration, keys);
    keys = await keysLeftInSlot(migration, 100);
  }
  await closeSlotMigration(cluster, migration);
}

describe('redisStore on a Cluster slot being migrated', () => {
  it('expire mode: an entry moved ahead of its tag set reads as a miss once the set follows, not as fresh', async () => {
    const { store, base, slot } = await storeWithGuards();
    await store.set('moved', entry('moved', ['t']));
    await store.set('stays', entry('stays', ['t']));
    const migration = await openSlotMigration(cluster, slot);
    await migrateKeys(migration, [`${base}e:moved`]);

    // The tag set, its guard and the floor are still on the source: the script runs there.
    const now = Date.now();
    expect(await store.invalidateTags(['t'], 'expire', now)).toBe(1);
    await migrateTheRest(migration);

    expect(await store.get('moved')).toBeUndefined();
    expect((await store.get('stays'))?.freshUntil).toBe(now);
  });

  it('expire mode: an entry left behind by its tag set reads as a miss once it follows, not as fresh', async () => {
    const { store, base, slot } = await storeWithGuards();
    await store.set('left', entry('left', ['t']));
    const migration = await openSlotMigration(cluster, slot);
    // Every key the invalidation declares moves first: Redis sends the script to the target (ASK).
    await migrateKeys(migration, [`${base}t:t`, `${base}i:t`, `${base}f`]);

    expect(await store.invalidateTags(['t'], 'expire', Date.now())).toBe(0);
    await migrateTheRest(migration);

    expect(await store.get('left')).toBeUndefined();
  });
});
