import { afterEach, describe, expect, it } from 'vitest';
import { connect, type RedisServer, startRedis, waitUntil } from '../../../../test-support/redis-harness';
import { StoreError } from '../errors';
import type { CacheEntry } from '../types';
import { redisStore } from './redis-store';

function entry(key: string, bytes = 0): CacheEntry {
  const now = Date.now();
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    expiresAt: now + 60_000,
    tags: ['t'],
    ...(bytes ? { response: { status: 200, headers: {}, body: new Uint8Array(bytes).fill(7) } } : {}),
  };
}

/** Resolves how long the promise took to settle, in ms, and whether it rejected with a StoreError. */
async function timed(
  promise: Promise<unknown>,
): Promise<{ ms: number; storeError: boolean; value?: unknown }> {
  const started = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - started, storeError: false, value };
  } catch (error) {
    return { ms: performance.now() - started, storeError: error instanceof StoreError };
  }
}

describe('redisStore under faults', () => {
  let server: RedisServer;
  afterEach(async () => {
    await server?.stop();
  });

  it('rejects within ~timeoutMs while Redis is paused (CLIENT PAUSE), opens the breaker, then recovers', async () => {
    server = await startRedis();
    const client = await connect(server.url);
    const admin = await connect(server.url);
    const store = redisStore({ client, timeoutMs: 100, breaker: { threshold: 3, breakDurationMs: 400 } });
    await store.set('k', entry('k'));

    await admin.client('PAUSE', 1500, 'ALL');
    for (let i = 0; i < 3; i++) {
      const result = await timed(store.get('k'));
      expect(result.storeError).toBe(true);
      expect(result.ms).toBeGreaterThanOrEqual(95);
      expect(result.ms).toBeLessThan(250);
    }
    expect(store.circuit).toBe('open');
    const skipped = await timed(store.get('k'));
    expect(skipped.storeError).toBe(true);
    expect(skipped.ms).toBeLessThan(95); // not even sent: no wait for the 100 ms deadline
    expect(store.stats().l2).toMatchObject({ errors: 3, skipped: 1 });

    await admin.client('UNPAUSE');
    await new Promise((r) => setTimeout(r, 450)); // the break duration (a real breaker timer is the thing tested)
    expect(store.circuit).toBe('half-open');
    expect((await store.get('k'))?.key).toBe('k'); // the probe succeeds
    expect(store.circuit).toBe('closed');
  });

  it('a lock whose SET lands after its deadline (Redis paused) is released, not left held for its lease', async () => {
    server = await startRedis();
    const client = await connect(server.url);
    const admin = await connect(server.url);
    const store = redisStore({ client, timeoutMs: 100 });

    await admin.client('PAUSE', 400, 'WRITE');
    const late = await timed(store.lock.acquire('k', 10_000));
    expect(late.storeError).toBe(true); // the caller gave up and owns no lock
    await admin.set('probe', '1'); // answers once the pause is over
    const setCalls = async () =>
      Number(/cmdstat_set:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1]);
    await waitUntil(async () => (await setCalls()) === 2, 3000, 'the late lock SET to run');
    // It did take the lease; that lease is dropped long before its 10 s run out.
    await waitUntil(async () => (await admin.keys('*l:*')).length === 0, 3000, 'the orphaned lease to go');
    const again = await store.lock.acquire('k', 10_000);
    expect(again).toBeTypeOf('function');
    await again?.();
  });

  it('rejects fast (never hangs) while Redis is dead, and serves hits again once it is back, same store', async () => {
    server = await startRedis();
    const client = await connect(server.url);
    const store = redisStore({ client, timeoutMs: 200, breaker: { threshold: 2, breakDurationMs: 200 } });
    await store.set('before', entry('before'));
    await server.kill();
    for (const call of [
      () => store.get('before'),
      () => store.set('x', entry('x')),
      () => store.lock.acquire('x', 1000),
    ]) {
      const result = await timed(call());
      expect(result.storeError).toBe(true);
      expect(result.ms).toBeLessThan(300);
    }
    const invalidation = await timed(store.invalidateTags(['t'], 'delete', Date.now()));
    expect(invalidation.storeError).toBe(true);
    expect(invalidation.ms).toBeLessThan(1000);

    await server.restart(); // empty: no persistence
    await waitUntil(
      async () => (await store.set('after', entry('after')).catch(() => false)) === true,
      10_000,
      'writes resume',
    );
    expect((await store.get('after'))?.key).toBe('after');
    expect(store.circuit).toBe('closed');
  });

  it('at maxmemory with noeviction: writes reject, reads keep working', async () => {
    server = await startRedis({ maxmemory: '3mb', maxmemoryPolicy: 'noeviction' });
    const client = await connect(server.url);
    const store = redisStore({ client, timeoutMs: 1000 });
    await store.set('kept', entry('kept', 1000));
    let rejected: unknown;
    for (let i = 0; i < 200 && !rejected; i++) {
      await store.set(`fill${i}`, entry(`fill${i}`, 64 * 1024)).catch((error: unknown) => {
        rejected = error;
      });
    }
    expect(rejected).toBeInstanceOf(StoreError);
    expect(String((rejected as Error).message)).toMatch(/OOM/);
    // more failed writes than the breaker threshold: reads must still go through
    for (let i = 0; i < 8; i++)
      await expect(store.set(`more${i}`, entry(`more${i}`, 64 * 1024))).rejects.toThrow(/OOM/);
    expect(store.circuit).toBe('closed');
    expect((await store.get('kept'))?.response?.body.length).toBe(1000);
    expect(store.stats().l2.skipped).toBe(0);
  });
});
