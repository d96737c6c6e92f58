import { describe, expect, it, vi } from 'vitest';
import { StoreError } from '../errors';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { createFakeClock } from '../testing/fake-clock';
import { createCache } from './create-cache';
import { buildUrlTag } from './internal-keys';
import { fakeOrigin, faultyStore, makeRequest, setupCache } from './test-fixtures';

describe('invalidate', () => {
  it('removes HTTP entries by tag and reports keys and tags', async () => {
    const { cache } = setupCache();
    const products = definePolicy({ maxAge: 60, tags: ['products'] });
    const users = definePolicy({ maxAge: 60, tags: ['users'] });
    await cache.handle(makeRequest('/p/1'), products, fakeOrigin());
    await cache.handle(makeRequest('/p/2'), products, fakeOrigin());
    await cache.handle(makeRequest('/u/1'), users, fakeOrigin());
    expect(await cache.invalidate({ tags: ['products', 'products', 'unknown'] })).toEqual({
      keys: 2,
      tags: 2,
    });
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p/1'), products, origin);
    await cache.handle(makeRequest('/u/1'), users, origin);
    expect(origin.calls).toHaveLength(1);
  });

  it('resolves zero for an empty target', async () => {
    const { cache } = setupCache();
    expect(await cache.invalidate({})).toEqual({ keys: 0, tags: 0 });
  });

  it('counts expired entries in expire mode', async () => {
    const { cache } = setupCache();
    await cache.getOrSet('a', async () => 1, { tags: ['t'], staleWhileRevalidate: 10 });
    expect(await cache.invalidate({ tags: ['t'], mode: 'expire' })).toEqual({ keys: 1, tags: 1 });
    expect(await cache.invalidate({ keys: ['a'], mode: 'expire' })).toEqual({ keys: 1, tags: 0 });
  });

  it('rejects a bad target', async () => {
    const { cache } = setupCache();
    await expect(cache.invalidate({ mode: 'soft' as 'delete' })).rejects.toThrow(/mode/);
    await expect(cache.invalidate({ tags: 'products' as unknown as string[] })).rejects.toThrow(/tags/);
  });

  it('rejects with a StoreError when the store fails, after counting and logging it', async () => {
    const clock = createFakeClock();
    const logger = { warn: vi.fn(), error: vi.fn() };
    const store = faultyStore(memoryStore({ clock: clock.now }), { reject: ['invalidateTags'] });
    const cache = createCache({ store, clock: clock.now, logger });
    await expect(cache.invalidate({ tags: ['t'] })).rejects.toBeInstanceOf(StoreError);
    expect(cache.stats().errors).toBe(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});

describe('buildUrlTag', () => {
  it('names the host and path', () => {
    expect(buildUrlTag('Example.com', '/p/1')).toBe('url:example.com/p/1');
  });

  it('hashes what is not a valid tag, stably', () => {
    const long = `/${'x'.repeat(300)}`;
    expect(buildUrlTag('example.com', long)).toMatch(/^url#[0-9a-f]{16}$/);
    expect(buildUrlTag('example.com', long)).toBe(buildUrlTag('example.com', long));
    expect(buildUrlTag('example.com', '/ü')).not.toBe(buildUrlTag('example.com', '/é'));
  });
});
