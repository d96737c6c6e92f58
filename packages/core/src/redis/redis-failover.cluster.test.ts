import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeClients,
  connectCluster,
  type RedisCluster,
  startCluster,
} from '../../../../test-support/redis-harness';
import type { CacheEntry } from '../types';
import { redisStore } from './redis-store';

function entry(key: string): CacheEntry {
  const now = Date.now();
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    expiresAt: now + 60_000,
    tags: ['f'],
  };
}

// Its own cluster: this test kills a master.
let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);
afterAll(async () => {
  await closeClients();
  await cluster?.stop();
});

describe('redisStore when a cluster master dies', () => {
  it('rejects (never hangs) during the failover and resumes afterwards (window measured)', async () => {
    const client = await connectCluster(cluster.startupNodes);
    const timeoutMs = 250;
    const store = redisStore({ client, prefix: 'fo:', timeoutMs, breaker: false });
    // the bucket key of 'k' tells the slot whose master we kill
    await store.set('k', entry('k'));
    const [entryKey] = await client
      .nodes('master')
      .reduce<Promise<string[]>>(
        async (found, node) => [...(await found), ...(await node.keys('fo:*e:k'))],
        Promise.resolve([]),
      );
    const slot = Number(await client.cluster('KEYSLOT', entryKey!));
    const master = await cluster.masterOf(slot);

    const killedAt = performance.now();
    await master.kill();
    let lastFailure = killedAt;
    let failures = 0;
    let worstMs = 0;
    let consecutiveOk = 0;
    const deadline = killedAt + 20_000;
    while (consecutiveOk < 10 && performance.now() < deadline) {
      const started = performance.now();
      try {
        const written = await store.set('k', entry('k'));
        const read = await store.get('k');
        if (!written || read?.key !== 'k') throw new Error('not written');
        consecutiveOk++;
      } catch {
        failures++;
        consecutiveOk = 0;
        lastFailure = performance.now();
      }
      worstMs = Math.max(worstMs, performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
    const windowMs = lastFailure - killedAt;
    console.info(
      `[routecache] cluster failover: operations failing for ${windowMs.toFixed(0)} ms after SIGKILL of the master ` +
        `(${failures} failed set+get pairs), worst set+get ${worstMs.toFixed(0)} ms`,
    );
    expect(consecutiveOk).toBe(10);
    // each failed call was bounded by the timeout (set + get), never a hang
    expect(worstMs).toBeLessThan(2 * timeoutMs + 200);
    // invalidation reaches every master after the failover
    expect(await store.invalidateTags(['f'], 'delete', Date.now())).toBe(1);
  });
});
