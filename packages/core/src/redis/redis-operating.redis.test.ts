/**
 * What the Redis layer reports for operating the cache, on real servers: the PING probe and the
 * bounded key sample behind `health()`, store calls timed and classified (ok, timeout, skipped
 * by the breaker) for the metrics, the breaker state, and the bus's heartbeat and lag.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanupPrefix,
  connect,
  type RedisServer,
  startRedis,
  uniquePrefix,
  waitUntil,
} from '../../../../test-support/redis-harness';
import type { StoreCallInfo, StoreCallResult, StoreObserver } from '../metrics/events';
import { createMetricsHub } from '../metrics/metrics-hub';
import type { CacheEntry } from '../types';
import { redisBus } from './redis-bus';
import { redisStore } from './redis-store';

function entry(key: string, tags: string[] = ['t']): CacheEntry {
  const now = Date.now();
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    expiresAt: now + 60_000,
    tags,
    response: { status: 200, headers: {}, body: new Uint8Array(100).fill(1) },
  };
}

/** A metrics hub with one sink recording store calls (what the Prometheus sink counts). */
function recordingObserver(): { observer: StoreObserver; calls: [StoreCallInfo, StoreCallResult][] } {
  const hub = createMetricsHub({ warn: () => {}, error: () => {} });
  const calls: [StoreCallInfo, StoreCallResult][] = [];
  hub.add({ storeCallEnd: (info, result) => calls.push([info, result]) });
  return { observer: hub, calls };
}

describe('redisStore for operating', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('probes: PING latency, and key counts and memory per prefix from a bounded sample', async () => {
    const client = await connect();
    const prefix = uniquePrefix('ops');
    const store = redisStore({ client, prefix });
    try {
      for (const id of ['1', '2', '3'])
        await store.set(`v1|GET|h|/items/${id}|||-`, entry(`v1|GET|h|/items/${id}|||-`));
      await store.set('v1:data:user', entry('v1:data:user', []));
      const probe = await store.probe({ timeoutMs: 1000, keyspaceSample: 10_000 });
      expect(probe.l2?.reachable).toBe(true);
      expect(probe.l2?.latencyMs).toBeGreaterThan(0);
      expect(probe.l2?.latencyMs).toBeLessThan(1000);
      const prefixes = probe.keyspace!.prefixes;
      expect(prefixes[`${prefix}e:v1`]).toMatchObject({ sampledKeys: 4 });
      expect(prefixes[`${prefix}t`]?.sampledKeys).toBe(1); // the tag set of tag "t"
      expect(prefixes[`${prefix}e:v1`]!.sampledBytes).toBeGreaterThan(4 * 100);
      // The whole (small) test database was walked: exact counts.
      expect(probe.keyspace!.complete).toBe(true);
      expect(probe.keyspace!.totalKeys).toBeGreaterThanOrEqual(probe.keyspace!.sampledKeys);
    } finally {
      await cleanupPrefix(client, prefix);
    }
  });

  it('stops the sample at its bound and extrapolates', async () => {
    server = await startRedis();
    const client = await connect(server.url);
    const store = redisStore({ client, prefix: 'p:' });
    const pipeline = client.pipeline();
    for (let i = 0; i < 3000; i++) pipeline.set(`p:{0}e:v1|GET|h|/${i}|||-`, 'x');
    await pipeline.exec();
    const { keyspace } = await store.probe({ timeoutMs: 2000, keyspaceSample: 100 });
    expect(keyspace?.sampledKeys).toBe(100);
    expect(keyspace?.complete).toBe(false);
    expect(keyspace?.totalKeys).toBe(3000);
    expect(keyspace?.prefixes['p:e:v1']).toMatchObject({ sampledKeys: 100, estimatedKeys: 3000 });
  });

  it('reports Redis unreachable within the timeout, bypassing the breaker', async () => {
    server = await startRedis();
    const client = await connect(server.url);
    const store = redisStore({ client, timeoutMs: 100, breaker: { threshold: 1, breakDurationMs: 60_000 } });
    server.freeze();
    try {
      const started = performance.now();
      const probe = await store.probe({ timeoutMs: 150, keyspaceSample: 0 });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(probe.l2).toMatchObject({ reachable: false });
      expect(probe.l2?.error).toMatch(/timed out/);
      // The probe does not open the breaker; a request-path call that times out does.
      expect(store.inspect().l2?.circuit).toBe('closed');
      await expect(store.get('k')).rejects.toMatchObject({ reason: 'timeout' });
      expect(store.inspect().l2?.circuit).toBe('open');
    } finally {
      server.thaw();
    }
  });

  it('reports every call to the observer: ok, timeout, and skipped while the breaker is open', async () => {
    server = await startRedis();
    const client = await connect(server.url);
    const store = redisStore({ client, timeoutMs: 100, breaker: { threshold: 1, breakDurationMs: 60_000 } });
    const { observer, calls } = recordingObserver();
    store.instrument(observer);
    await store.set('k', entry('k'));
    await store.get('k');
    server.freeze();
    await store.get('k').catch(() => {});
    await store.get('k').catch(() => {});
    server.thaw();
    expect(calls.map(([info, result]) => `${info.layer} ${info.operation} ${result}`)).toEqual([
      'l2 set ok',
      'l2 get ok',
      'l2 get timeout',
      'l2 get skipped',
    ]);
  });
});

describe('redisBus for operating', () => {
  it('reports its health, last heartbeat and the heartbeat round trip', async () => {
    const client = await connect();
    const bus = redisBus({ client, channel: `${uniquePrefix('bus')}ch`, heartbeatMs: 50 });
    const before = Date.now();
    await bus.subscribe(() => {});
    try {
      await waitUntil(async () => bus.inspect().lastHeartbeatAt !== undefined, 5000, 'a heartbeat back');
      const state = bus.inspect();
      expect(state.healthy).toBe(true);
      expect(state.lastHeartbeatAt).toBeGreaterThanOrEqual(before);
      expect(state.lagMs).toBeGreaterThanOrEqual(0);
      expect(state.lagMs).toBeLessThan(1000);
      expect(state.losses).toBe(0);
    } finally {
      await bus.close();
    }
  });
});
