import { describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory';
import { createFakeClock } from '../testing/fake-clock';
import { createCache } from './create-cache';
import { deferred, faultyStore, settle, setupCache } from './test-fixtures';

describe('getOrSet', () => {
  it('loads on a miss and returns the cached value afterwards', async () => {
    const { cache } = setupCache();
    const load = vi.fn(async () => ({ id: 1 }));
    expect(await cache.getOrSet('user:1', load)).toEqual({ id: 1 });
    expect(await cache.getOrSet('user:1', load)).toEqual({ id: 1 });
    expect(load).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ misses: 1, hits: 1, stored: 1 });
  });

  it('gives every caller its own copy: one caller changing its value changes no other', async () => {
    const { cache } = setupCache();
    const gate = deferred();
    const load = async () => {
      await gate.promise;
      return { items: [1] };
    };
    const [a, b] = await Promise.all([
      cache.getOrSet('list', load),
      cache.getOrSet('list', load),
      gate.resolve(),
    ]);
    a.items.push(2);
    expect(b.items).toEqual([1]);
    const c = await cache.getOrSet('list', load);
    c.items.push(3);
    expect(c.items).toEqual([1, 3]);
    expect((await cache.getOrSet('list', load)).items).toEqual([1]);
  });

  it('returns the same shape whichever layer answers: values go through JSON, as through Redis', async () => {
    const { cache } = setupCache();
    const when = new Date('2026-12-02T10:00:00.000Z');
    const load = async () => ({ when, tags: new Map([['a', 1]]), n: 1 });
    const loaded = await cache.getOrSet('shape', load);
    const hit = await cache.getOrSet('shape', load);
    expect(loaded).toEqual({ when: '2026-12-02T10:00:00.000Z', tags: {}, n: 1 });
    expect(hit).toEqual(loaded);
  });

  it('returns a value JSON cannot hold to its caller, unstored, with a warning', async () => {
    const warn = vi.fn();
    const { cache } = setupCache({ logger: { warn, error: vi.fn() } });
    const load = vi.fn(async () => ({ big: 10n }));
    expect(await cache.getOrSet('big', load)).toEqual({ big: 10n });
    expect(await cache.getOrSet('big', load)).toEqual({ big: 10n });
    expect(load).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('keeps the value for ttl (default 60 s, or defaults.ttl)', async () => {
    const { cache, clock } = setupCache();
    const load = vi.fn(async () => 'v');
    await cache.getOrSet('k', load);
    clock.advance(59_999);
    await cache.getOrSet('k', load);
    expect(load).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await cache.getOrSet('k', load);
    expect(load).toHaveBeenCalledTimes(2);

    const withDefaults = setupCache({ defaults: { ttl: '5m' } });
    await withDefaults.cache.getOrSet('k', load);
    withDefaults.clock.advance(299_000);
    await withDefaults.cache.getOrSet('k', load);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('honours a per-call ttl, and stores nothing with ttl 0', async () => {
    const { cache, clock } = setupCache();
    const load = vi.fn(async () => 'v');
    await cache.getOrSet('k', load, { ttl: '2s' });
    clock.advance(2_000);
    await cache.getOrSet('k', load, { ttl: '2s' });
    expect(load).toHaveBeenCalledTimes(2);
    await cache.getOrSet('zero', load, { ttl: 0 });
    await cache.getOrSet('zero', load, { ttl: 0 });
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('runs one load for concurrent callers (single-flight)', async () => {
    const { cache } = setupCache();
    const gate = deferred<string>();
    const load = vi.fn(() => gate.promise);
    const calls = Array.from({ length: 20 }, () => cache.getOrSet('k', load));
    await settle();
    gate.resolve('shared');
    expect(await Promise.all(calls)).toEqual(Array(20).fill('shared'));
    expect(load).toHaveBeenCalledTimes(1);
    expect(cache.stats().coalesced).toBe(19);
  });

  it('shares a load failure with the concurrent callers and caches nothing', async () => {
    const { cache } = setupCache();
    const load = vi.fn(async () => {
      throw new Error('db down');
    });
    const calls = [cache.getOrSet('k', load), cache.getOrSet('k', load)];
    await expect(Promise.all(calls)).rejects.toThrow('db down');
    expect(load).toHaveBeenCalledTimes(1);
    await expect(cache.getOrSet('k', async () => 'ok')).resolves.toBe('ok');
  });

  it('returns a stale value within staleWhileRevalidate and refreshes it in the background once', async () => {
    const { cache, clock } = setupCache();
    const options = { ttl: 10, staleWhileRevalidate: 60 };
    await cache.getOrSet('k', async () => 'old', options);
    clock.advance(11_000);
    const gate = deferred<string>();
    const refresh = vi.fn(() => gate.promise);
    expect(await cache.getOrSet('k', refresh, options)).toBe('old');
    expect(await cache.getOrSet('k', refresh, options)).toBe('old');
    expect(refresh).toHaveBeenCalledTimes(1);
    gate.resolve('new');
    await settle();
    expect(await cache.getOrSet('k', refresh, options)).toBe('new');
    expect(cache.stats().stale).toBe(2);
  });

  it('returns a stale value within staleIfError when the load fails', async () => {
    const { cache, clock } = setupCache();
    const options = { ttl: 10, staleIfError: 600 };
    await cache.getOrSet('k', async () => 'old', options);
    clock.advance(100_000);
    const failing = async (): Promise<string> => {
      throw new Error('down');
    };
    expect(await cache.getOrSet('k', failing, options)).toBe('old');
    clock.advance(600_000);
    await expect(cache.getOrSet('k', failing, options)).rejects.toThrow('down');
  });

  it('is invalidated by tag and by key', async () => {
    const { cache, clock } = setupCache();
    const load = vi.fn(async () => 'v');
    await cache.getOrSet('a', load, { tags: ['users'] });
    await cache.getOrSet('b', load);
    clock.advance(1);
    expect(await cache.invalidate({ tags: ['users'] })).toEqual({ keys: 1, tags: 1 });
    expect(await cache.invalidate({ keys: ['b'] })).toEqual({ keys: 1, tags: 0 });
    clock.advance(1);
    await cache.getOrSet('a', load, { tags: ['users'] });
    await cache.getOrSet('b', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('expire-mode invalidation keeps the value for stale-while-revalidate', async () => {
    const { cache, clock } = setupCache();
    const options = { ttl: 60, staleWhileRevalidate: 60, tags: ['t'] };
    await cache.getOrSet('k', async () => 'old', options);
    await cache.invalidate({ keys: ['k'], mode: 'expire' });
    clock.advance(1);
    const refresh = vi.fn(async () => 'new');
    expect(await cache.getOrSet('k', refresh, options)).toBe('old');
    await settle();
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(await cache.getOrSet('k', refresh, options)).toBe('new');
  });

  it('does not write back a value whose tag was invalidated while it loaded (race guard)', async () => {
    const { cache, clock } = setupCache();
    const gate = deferred<string>();
    const pending = cache.getOrSet('k', () => gate.promise, { tags: ['t'] });
    await settle();
    clock.advance(5);
    await cache.invalidate({ tags: ['t'] });
    gate.resolve('stale data');
    expect(await pending).toBe('stale data');
    const load = vi.fn(async () => 'fresh data');
    expect(await cache.getOrSet('k', load, { tags: ['t'] })).toBe('fresh data');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not write back a value whose key was invalidated while it loaded', async () => {
    const { cache, clock } = setupCache();
    const gate = deferred<string>();
    const pending = cache.getOrSet('k', () => gate.promise);
    await settle();
    clock.advance(5);
    await cache.invalidate({ keys: ['k'] });
    gate.resolve('stale data');
    await pending;
    const load = vi.fn(async () => 'fresh');
    await cache.getOrSet('k', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps data keys apart from HTTP entries and from other namespaces', async () => {
    const clock = createFakeClock();
    const store = memoryStore({ clock: clock.now });
    const v1 = createCache({ store, clock: clock.now, namespace: 'v1' });
    const v2 = createCache({ store, clock: clock.now, namespace: 'v2' });
    await v1.getOrSet('k', async () => 'one');
    expect(await v2.getOrSet('k', async () => 'two')).toBe('two');
    expect(await v1.getOrSet('k', async () => 'x')).toBe('one');
  });

  it('loads when the store fails, counting the error', async () => {
    const clock = createFakeClock();
    const cache = createCache({
      store: faultyStore(memoryStore({ clock: clock.now }), { reject: ['get', 'set'] }),
      clock: clock.now,
    });
    expect(await cache.getOrSet('k', async () => 'v')).toBe('v');
    expect(cache.stats().errors).toBe(2);
  });

  it('refreshes early with XFetch when the entry nears expiry', async () => {
    const { cache, clock } = setupCache({ earlyRefresh: 1 });
    await cache.getOrSet(
      'k',
      async () => {
        clock.advance(1_000);
        return 'v1';
      },
      { ttl: 10 },
    );
    clock.advance(9_500);
    vi.spyOn(Math, 'random').mockReturnValue(0.9);
    const refresh = vi.fn(async () => 'v2');
    expect(await cache.getOrSet('k', refresh, { ttl: 10 })).toBe('v1');
    await settle();
    expect(refresh).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();
  });

  it('rejects a non-string key, a missing load and invalid durations', async () => {
    const { cache } = setupCache();
    await expect(cache.getOrSet(1 as unknown as string, async () => 1)).rejects.toThrow(/key/);
    await expect(cache.getOrSet('k', 'x' as unknown as () => Promise<number>)).rejects.toThrow(/load/);
    await expect(cache.getOrSet('k', async () => 1, { ttl: -1 })).rejects.toThrow(/ttl/);
  });
});
