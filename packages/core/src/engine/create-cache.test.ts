import { describe, expect, it, vi } from 'vitest';
import { PolicyError } from '../errors';
import { memoryStore } from '../stores/memory';
import type { CacheOptions, OriginResponse, Store } from '../types';
import { createCache } from './create-cache';
import { deferred, fakeOrigin, makeRequest, settle, setupCache, textResponse } from './test-fixtures';

describe('createCache', () => {
  it('works with no options on a memory store', async () => {
    const cache = createCache();
    expect(cache.options).toEqual({
      maxBodyBytes: 1_048_576,
      namespace: 'v1',
      cacheStatus: 'routecache',
      tagHeader: 'surrogate-key',
      targetedCacheControl: ['cdn-cache-control'],
    });
    expect(await cache.getOrSet('k', async () => 1)).toBe(1);
    expect(cache.stats().l1).toEqual({ hits: 0, misses: 1, errors: 0 });
  });

  describe('when an option is invalid', () => {
    const cases: [string, CacheOptions][] = [
      ['maxBodyBytes', { maxBodyBytes: -1 }],
      ['maxBodyBytes', { maxBodyBytes: 1.5 }],
      ['namespace', { namespace: '' }],
      ['namespace', { namespace: 'has space' }],
      ['cacheStatus', { cacheStatus: 'not a token' }],
      ['tagHeader', { tagHeader: 'x-tags' as 'cache-tag' }],
      ['lock', { lock: true as unknown as false }],
      ['lock.wait', { lock: { wait: -1 } }],
      ['lock.lease', { lock: { lease: 'forever' as '1s' } }],
      ['lock.timeout', { lock: { timeout: 1 } as unknown as false }],
      ['earlyRefresh', { earlyRefresh: -1 }],
      ['earlyRefresh', { earlyRefresh: Number.NaN }],
      ['clock', { clock: 'now' as unknown as () => number }],
      ['logger', { logger: { warn() {} } as unknown as CacheOptions['logger'] }],
      ['hitForMiss', { hitForMiss: -5 }],
      ['store', { store: { name: 'x' } as unknown as Store }],
      ['storee', { storee: 1 } as unknown as CacheOptions],
      ['defaults', { defaults: 5 as unknown as CacheOptions['defaults'] }],
    ];
    for (const [field, options] of cases) {
      it(`throws a PolicyError naming ${field} for ${JSON.stringify(options)}`, () => {
        let error: unknown;
        try {
          createCache(options);
        } catch (thrown) {
          error = thrown;
        }
        expect(error).toBeInstanceOf(PolicyError);
        expect((error as PolicyError).field).toBe(field);
      });
    }

    it('validates defaults like a policy, naming the field', () => {
      expect(() => createCache({ defaults: { maxAge: -1 } })).toThrow(PolicyError);
      expect(() => createCache({ defaults: { maxAge: -1 } })).toThrow(/maxAge/);
    });
  });

  describe('definePolicy', () => {
    it('merges the cache defaults under the route fields', () => {
      const cache = createCache({ defaults: { staleIfError: '1h', maxAge: 10 } });
      const policy = cache.definePolicy({ maxAge: 60 });
      expect(policy.maxAge).toBe(60);
      expect(policy.staleIfError).toBe(3600);
    });

    it('throws a PolicyError naming the field', () => {
      const cache = createCache();
      expect(() => cache.definePolicy({ scope: 'private', sMaxAge: 5 })).toThrow(/sMaxAge/);
    });
  });

  describe('stats', () => {
    it('counts hits, misses and stored per route and in total, with the store layers', async () => {
      const { cache } = setupCache();
      const policy = cache.definePolicy({ maxAge: 60 });
      await cache.handle(makeRequest('/a', { routeLabel: 'GET /a' }), policy, fakeOrigin());
      await cache.handle(makeRequest('/a', { routeLabel: 'GET /a' }), policy, fakeOrigin());
      await cache.handle(makeRequest('/b', { routeLabel: 'GET /b' }), policy, fakeOrigin());
      const stats = cache.stats();
      expect(stats).toMatchObject({
        hits: 1,
        misses: 2,
        stored: 2,
        stale: 0,
        coalesced: 0,
        bypass: 0,
        errors: 0,
      });
      expect(stats.routes['GET /a']).toEqual({
        hits: 1,
        misses: 1,
        stale: 0,
        coalesced: 0,
        bypass: 0,
        stored: 1,
        notModified: 0,
        errors: 0,
      });
      expect(stats.routes['GET /b']?.misses).toBe(1);
      expect(stats.l1).toEqual({ hits: 1, misses: 2, errors: 0 });
    });

    it('survives a store whose stats() throws', () => {
      const base = memoryStore();
      const cache = createCache({
        store: {
          ...base,
          name: 'x',
          stats: () => {
            throw new Error('no');
          },
        },
      });
      expect(cache.stats().hits).toBe(0);
    });
  });

  describe('close', () => {
    it('waits for a background refresh before closing the store', async () => {
      const { cache, clock } = setupCache();
      const policy = cache.definePolicy({ maxAge: 1, staleWhileRevalidate: 60 });
      await cache.handle(makeRequest('/a'), policy, fakeOrigin());
      clock.advance(2_000);
      const gate = deferred<OriginResponse>();
      await cache.handle(makeRequest('/a'), policy, fakeOrigin(), {
        refresh: fakeOrigin(() => gate.promise),
      });
      let closed = false;
      const closing = cache.close().then(() => {
        closed = true;
      });
      await settle();
      expect(closed).toBe(false);
      gate.resolve(textResponse('x'));
      await closing;
      expect(closed).toBe(true);
    });

    it('closes the store once', async () => {
      const base = memoryStore();
      const close = vi.fn(async () => {});
      const cache = createCache({ store: { ...base, name: 'x', close } });
      await cache.close();
      await cache.close();
      expect(close).toHaveBeenCalledTimes(1);
    });
  });
});
