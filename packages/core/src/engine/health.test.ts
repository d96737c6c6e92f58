import { describe, expect, it } from 'vitest';
import { PolicyError, PurgeError } from '../errors';
import type { StoreProbe } from '../metrics/inspection';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { recordingPurger } from '../testing/recording-purger';
import type { Store } from '../types';
import { fakeOrigin, makeRequest, setupCache } from './test-fixtures';

const ROUTE = 'GET /items/:id';

describe('health()', () => {
  it('reports L1 against its bounds and the hit ratio per route', async () => {
    const { cache } = setupCache({ store: memoryStore({ maxBytes: 1_000_000, maxEntries: 50 }) });
    const policy = definePolicy({ maxAge: 60 });
    for (let i = 0; i < 4; i++)
      await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
    await cache.handle(
      makeRequest('/items/1', { routeLabel: ROUTE, headers: { authorization: 'x' } }),
      policy,
      fakeOrigin(),
    );
    const report = await cache.health();
    expect(report.status).toBe('ok');
    expect(report.store).toBe('memory');
    expect(report.l1).toMatchObject({ entries: 1, maxEntries: 50, maxBytes: 1_000_000, evictions: 0 });
    expect(report.l1?.bytesRatio).toBeCloseTo(report.l1!.bytes / 1_000_000, 12);
    expect(report.routes[ROUTE]).toEqual({
      hits: 3,
      stale: 0,
      misses: 1,
      coalesced: 0,
      bypass: 1,
      hitRatio: 0.75,
    });
    expect(report.l2).toBeUndefined();
    expect(report.cdn).toBeUndefined();
  });

  describe('when reports are taken over time', () => {
    it('covers the window: counts since the report closest to windowSeconds ago', async () => {
      const { cache, clock } = setupCache();
      const policy = definePolicy({ maxAge: 3600 });
      const get = () => cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      await get(); // miss
      clock.advance(120_000);
      expect((await cache.health({ windowSeconds: 60 })).routes[ROUTE]).toMatchObject({
        misses: 1,
        hitRatio: 0,
      });
      clock.advance(61_000);
      await get();
      await get();
      const report = await cache.health({ windowSeconds: 60 });
      // Since the report 61 s ago: two hits, the first miss is outside the window.
      expect(report.windowSeconds).toBe(61);
      expect(report.routes[ROUTE]).toMatchObject({ hits: 2, misses: 0, hitRatio: 1 });
    });

    it('says null for a route without cacheable answers in the window', async () => {
      const { cache } = setupCache();
      await cache.handle(
        makeRequest('/x', { routeLabel: 'GET /x', headers: { authorization: 'a' } }),
        definePolicy({ maxAge: 60 }),
        fakeOrigin(),
      );
      expect((await cache.health()).routes['GET /x']?.hitRatio).toBeNull();
    });
  });

  describe('with a shared layer', () => {
    const probing = (probe: () => Promise<StoreProbe>, circuit: 'closed' | 'open' = 'closed'): Store => {
      const base = memoryStore();
      return { ...base, name: 'layered', probe, inspect: () => ({ l1: base.inspect().l1, l2: { circuit } }) };
    };

    it('reports L2 reachability, latency and the breaker', async () => {
      const { cache } = setupCache({
        store: probing(async () => ({ l2: { reachable: true, latencyMs: 0.4 } })),
      });
      const report = await cache.health();
      expect(report.l2).toEqual({ reachable: true, latencyMs: 0.4, circuit: 'closed' });
      expect(report.status).toBe('ok');
    });

    it('is degraded, naming why, when L2 does not answer or the breaker is open', async () => {
      const { cache } = setupCache({
        store: probing(async () => {
          throw new Error('ECONNREFUSED');
        }, 'open'),
      });
      const report = await cache.health();
      expect(report.status).toBe('degraded');
      expect(report.l2).toMatchObject({ reachable: false, error: 'ECONNREFUSED', circuit: 'open' });
      expect(report.problems).toEqual(['l2 unreachable: ECONNREFUSED', 'l2 circuit breaker open']);
    });

    it('passes the timeout and the key sample size to the store', async () => {
      const seen: unknown[] = [];
      const store = probing(async () => ({}));
      store.probe = async (options) => {
        seen.push(options);
        return {};
      };
      const { cache } = setupCache({ store });
      const report = await cache.health({ timeoutMs: 50, keyspaceSample: 100 });
      expect(seen).toEqual([{ timeoutMs: 50, keyspaceSample: 100 }]);
      // A probe without an L2 answer leaves reachability to the breaker's view.
      expect(report.l2).toEqual({ reachable: true, circuit: 'closed' });
    });
  });

  it("reports the purge queue's backlog when the cache has CDN purgers", async () => {
    const { cache } = setupCache({
      cdn: recordingPurger({
        respond: () => {
          throw new PurgeError('down', { cdn: 'recording', retryable: false });
        },
      }),
    });
    expect((await cache.health()).cdn).toEqual({ backlog: 0, failed: 0 });
    await expect(cache.invalidate({ tags: ['t'] })).rejects.toThrow(PurgeError);
    const report = await cache.health();
    expect(report.cdn).toEqual({ backlog: 0, failed: 1 });
    expect(report.status).not.toBe('ok');
  });

  it('includes the CDN purge backlog from the cdn hook, and its failure', async () => {
    const { cache } = setupCache();
    expect((await cache.health({ cdn: () => ({ backlog: 3, failed: 0 }) })).cdn).toEqual({
      backlog: 3,
      failed: 0,
    });
    const failing = await cache.health({
      cdn: async () => {
        throw new Error('purger down');
      },
    });
    expect(failing.cdn).toEqual({ error: 'purger down' });
    expect(failing.status).toBe('degraded');
  });

  it('throws a PolicyError naming a bad option', async () => {
    const { cache } = setupCache();
    await expect(cache.health({ timeoutMs: -1 })).rejects.toThrow(PolicyError);
    await expect(cache.health({ keyspaceSample: 1.5 })).rejects.toMatchObject({ field: 'keyspaceSample' });
    await expect(cache.health({ windowSeconds: 0 })).rejects.toMatchObject({ field: 'windowSeconds' });
    await expect(cache.health({ cdn: 3 as never })).rejects.toMatchObject({ field: 'cdn' });
  });
});
