import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createCache } from '../engine/create-cache';
import { fakeOrigin, makeRequest, setupCache, textResponse } from '../engine/test-fixtures';
import { PolicyError } from '../errors';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import type { Store } from '../types';
import { registerPrometheusMetrics } from './prometheus-metrics';

const ROUTE = 'GET /items/:id';

async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return found?.value;
}

describe('registerPrometheusMetrics', () => {
  it('registers every metric on the given registry with Prometheus names', () => {
    const registry = new Registry();
    const { names } = registerPrometheusMetrics(createCache(), { registry });
    expect(names).toEqual(registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name));
    for (const name of names) expect(name).toMatch(/^routecache_[a-z0-9_]+$/);
    const counters = names.filter((n) => n.endsWith('_total'));
    expect(counters).toContain('routecache_answers_total');
    expect(names).toContain('routecache_origin_duration_seconds');
    expect(names).toContain('routecache_store_call_duration_seconds');
    expect(names).toContain('routecache_l1_bytes');
  });

  it('counts answers per route pattern, outcome, layer, reason and 304', async () => {
    const { cache } = setupCache();
    const registry = new Registry();
    registerPrometheusMetrics({ cache }, { registry });
    const policy = definePolicy({ maxAge: 60 });
    const request = (headers: Record<string, string> = {}) =>
      makeRequest('/items/1?utm_source=x', { routeLabel: ROUTE, headers });
    await cache.handle(request(), policy, fakeOrigin());
    const hit = await cache.handle(request(), policy, fakeOrigin());
    await cache.handle(request({ 'if-none-match': String(hit.headers.etag) }), policy, fakeOrigin());
    await cache.handle(request({ authorization: 'Bearer t' }), policy, fakeOrigin());

    const answers = (labels: Record<string, string>) => value(registry, 'routecache_answers_total', labels);
    expect(await answers({ route: ROUTE, outcome: 'miss', layer: 'origin', not_modified: 'false' })).toBe(1);
    expect(await answers({ route: ROUTE, outcome: 'hit', layer: 'l1', not_modified: 'false' })).toBe(1);
    expect(await answers({ route: ROUTE, outcome: 'hit', layer: 'l1', not_modified: 'true' })).toBe(1);
    expect(await answers({ route: ROUTE, outcome: 'bypass', reason: 'authorization' })).toBe(1);
    expect(await value(registry, 'routecache_stored_total', { route: ROUTE })).toBe(1);
    const text = await registry.metrics();
    // The route pattern is the label, never the URL.
    expect(text).not.toContain('/items/1');
    expect(text).toContain(
      'routecache_origin_duration_seconds_count{route="GET /items/:id",background="false",status_class="2xx"} 2',
    );
  });

  it('labels requests without a route "none" and past maxRoutes "other"', async () => {
    const { cache } = setupCache();
    const registry = new Registry();
    registerPrometheusMetrics(cache, { registry, maxRoutes: 1 });
    const policy = definePolicy({ maxAge: 60 });
    await cache.handle(makeRequest('/a', { routeLabel: 'GET /a' }), policy, fakeOrigin());
    await cache.handle(makeRequest('/b', { routeLabel: 'GET /b' }), policy, fakeOrigin());
    await cache.handle(makeRequest('/c'), policy, fakeOrigin());
    expect(await value(registry, 'routecache_answers_total', { route: 'GET /a' })).toBe(1);
    expect(await value(registry, 'routecache_answers_total', { route: 'other' })).toBe(1);
    expect(await value(registry, 'routecache_answers_total', { route: 'none' })).toBe(1);
  });

  it('reads L1 usage against its bounds and evictions at scrape time', async () => {
    const store = memoryStore({ maxEntries: 2 });
    const cache = createCache({ store });
    const registry = new Registry();
    registerPrometheusMetrics(cache, { registry });
    const policy = definePolicy({ maxAge: 60 });
    for (const id of [1, 2, 3])
      await cache.handle(makeRequest(`/items/${id}`, { routeLabel: ROUTE }), policy, fakeOrigin());
    expect(await value(registry, 'routecache_l1_entries')).toBe(2);
    expect(await value(registry, 'routecache_l1_max_entries')).toBe(2);
    expect(await value(registry, 'routecache_l1_max_bytes')).toBe(64 * 1024 * 1024);
    expect(await value(registry, 'routecache_l1_bytes')).toBe(store.usage().bytes);
    expect(await value(registry, 'routecache_l1_evictions_total')).toBe(1);
  });

  it('times store calls and counts errors, timeouts and skips by layer and operation', async () => {
    const calls: string[] = [];
    let observer: Parameters<NonNullable<Store['instrument']>>[0] | undefined;
    const base = memoryStore();
    const l2: Store = {
      ...base,
      name: 'fake-l2',
      peek: undefined,
      instrument: (o) => {
        observer = o;
      },
      get: (key) =>
        observer!.around({ layer: 'l2', operation: 'get' }, () => {
          calls.push(key);
          const reason = calls.length === 1 ? 'timeout' : calls.length === 2 ? 'circuit-open' : undefined;
          return reason ? Promise.reject(Object.assign(new Error(reason), { reason })) : base.get(key);
        }),
    };
    const cache = createCache({ store: l2 });
    const registry = new Registry();
    registerPrometheusMetrics(cache, { registry });
    const policy = definePolicy({ maxAge: 60 });
    for (let i = 0; i < 3; i++)
      await cache.handle(makeRequest(`/items/${i}`, { routeLabel: ROUTE }), policy, fakeOrigin());
    const errors = (kind: string) =>
      value(registry, 'routecache_store_errors_total', { layer: 'l2', operation: 'get', kind });
    expect(await errors('timeout')).toBe(1);
    expect(await errors('skipped')).toBe(1);
    expect(await value(registry, 'routecache_store_failures_total', { operation: 'get' })).toBe(2);
    const text = await registry.metrics();
    expect(text).toContain(
      'routecache_store_call_duration_seconds_count{layer="l2",operation="get",result="ok"} 1',
    );
  });

  it('counts invalidations and their reach', async () => {
    const { cache } = setupCache();
    const registry = new Registry();
    registerPrometheusMetrics(cache, { registry });
    const policy = definePolicy({ maxAge: 60, tags: ['items'] });
    await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
    await cache.handle(makeRequest('/items/2', { routeLabel: ROUTE }), policy, fakeOrigin());
    await cache.invalidate({ tags: ['items'] });
    await cache.handle(
      makeRequest('/items/1', { routeLabel: 'POST /items/:id', method: 'POST' }),
      policy,
      fakeOrigin(() => textResponse('ok', 204)),
    );
    expect(
      await value(registry, 'routecache_invalidations_total', { kind: 'tags', mode: 'delete', result: 'ok' }),
    ).toBe(1);
    expect(await value(registry, 'routecache_invalidated_entries_total', { kind: 'tags' })).toBe(2);
    expect(await value(registry, 'routecache_invalidations_total', { kind: 'url', result: 'ok' })).toBe(1);
  });

  it('stops counting and leaves the registry after unregister()', async () => {
    const { cache } = setupCache();
    const registry = new Registry();
    const bare = cache.handle;
    const metrics = registerPrometheusMetrics(cache, { registry });
    expect(cache.handle).not.toBe(bare);
    metrics.unregister();
    expect(registry.getMetricsAsArray()).toEqual([]);
    // No sink left: requests go straight to the engine again.
    expect(cache.handle).toBe(bare);
  });

  it('throws a PolicyError naming a bad option', () => {
    const cache = createCache();
    expect(() => registerPrometheusMetrics(cache, { prefix: '9bad' })).toThrow(PolicyError);
    expect(() => registerPrometheusMetrics(cache, { registry: {} as Registry })).toThrow(/registry/);
    expect(() => registerPrometheusMetrics(cache, { originBuckets: [] })).toThrow(/originBuckets/);
    expect(() => registerPrometheusMetrics(cache, { maxRoutes: 0 })).toThrow(/maxRoutes/);
    expect(() => registerPrometheusMetrics({} as never)).toThrow(TypeError);
  });
});
