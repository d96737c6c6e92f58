import { describe, expect, it } from 'vitest';
import { createFakeClock, storeConformanceSuite } from '../testing';
import type { CacheEntry } from '../types';
import { memoryStore } from './memory';

const clock = createFakeClock();
storeConformanceSuite({ name: 'memoryStore', createStore: () => memoryStore({ clock: clock.now }), clock });

// Real time: proves the suite itself works for stores without a fake clock.
storeConformanceSuite({ name: 'memoryStore on real time', createStore: () => memoryStore() });

function entry(key: string, bodyBytes: number, tags: string[] = [], now = clock.now()): CacheEntry {
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    expiresAt: now + 60_000,
    tags,
    response: { status: 200, headers: {}, body: new Uint8Array(bodyBytes) },
  };
}

describe('memoryStore', () => {
  it('is named memory', () => {
    expect(memoryStore().name).toBe('memory');
  });

  it('stays within maxBytes, evicting the least recently used entries', async () => {
    const store = memoryStore({ maxBytes: 10_000, clock: clock.now });
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, entry(`k${i}`, 2_000));
    expect(store.usage().bytes).toBeLessThanOrEqual(10_000);
    expect(store.usage().entries).toBeLessThan(10);
    expect(await store.get('k9')).toBeDefined();
    expect(await store.get('k0')).toBeUndefined();
  });

  it('stays within maxEntries', async () => {
    const store = memoryStore({ maxEntries: 3, clock: clock.now });
    for (let i = 0; i < 5; i++) await store.set(`k${i}`, entry(`k${i}`, 1));
    expect(store.usage().entries).toBe(3);
    expect(await store.get('k0')).toBeUndefined();
    expect(await store.get('k4')).toBeDefined();
  });

  it('does not store an entry larger than maxBytes and resolves false', async () => {
    const store = memoryStore({ maxBytes: 1_000, clock: clock.now });
    expect(await store.set('big', entry('big', 5_000))).toBe(false);
    expect(await store.get('big')).toBeUndefined();
    expect(store.usage().entries).toBe(0);
  });

  it('removes evicted keys from the tag index', async () => {
    const store = memoryStore({ maxEntries: 2, clock: clock.now });
    await store.set('a', entry('a', 1, ['ta']));
    await store.set('b', entry('b', 1, ['tb']));
    await store.set('c', entry('c', 1, ['tc']));
    // 'a' was evicted: its tag is gone from the index, not leaked.
    expect(store.usage().tags).toBe(2);
    expect(await store.invalidateTags(['ta'], 'delete', clock.now())).toBe(0);
  });

  it('removes overwritten and deleted entries from the tag index', async () => {
    const store = memoryStore({ clock: clock.now });
    await store.set('a', entry('a', 1, ['one', 'two']));
    await store.set('a', entry('a', 1, ['three']));
    expect(store.usage().tags).toBe(1);
    await store.delete(['a']);
    expect(store.usage().tags).toBe(0);
  });

  it('counts the estimated size of data values', async () => {
    const store = memoryStore({ maxBytes: 5_000, clock: clock.now });
    const now = clock.now();
    const big: CacheEntry = { ...entry('v', 0), response: undefined, value: 'x'.repeat(4_000) };
    expect(await store.set('v', big)).toBe(false);
    expect(await store.set('small', { ...big, key: 'small', value: 'tiny', storedAt: now })).toBe(true);
  });

  it("peeks against the engine's time when given one, without reading its own clock", async () => {
    const local = createFakeClock();
    let readings = 0;
    const store = memoryStore({
      clock: () => {
        readings++;
        return local.now();
      },
    });
    const stored = entry('a', 1, [], local.now());
    await store.set('a', stored);
    readings = 0;
    expect(store.peek?.('a', stored.expiresAt - 1)).toBe(stored);
    expect(readings).toBe(0);
    // Expired at the given time, though not yet by the store's own clock: dropped.
    expect(store.peek?.('a', stored.expiresAt)).toBeUndefined();
    expect(readings).toBe(0);
    expect(store.usage().entries).toBe(0);
  });

  it('peeks a live entry synchronously, counting the hit; leaves misses and expired entries to get', async () => {
    const local = createFakeClock();
    const store = memoryStore({ clock: local.now });
    const stored = entry('a', 1, [], local.now());
    await store.set('a', stored);
    expect(store.peek?.('a')).toBe(stored);
    expect(store.peek?.('missing')).toBeUndefined();
    local.advance(60_001);
    expect(store.peek?.('a')).toBeUndefined();
    expect(store.usage().entries).toBe(0); // the expired entry was dropped
    expect(store.stats?.()).toEqual({ l1: { hits: 1, misses: 0, errors: 0 } });
    expect(await store.get('missing')).toBeUndefined();
    expect(store.stats?.()).toEqual({ l1: { hits: 1, misses: 1, errors: 0 } });
  });

  it('sweeps expired entries that nothing reads, at most once a minute, and frees their tags', async () => {
    const local = createFakeClock();
    const store = memoryStore({ clock: local.now });
    await store.set('old', entry('old', 1, ['t'], local.now()));
    local.advance(30_000);
    await store.set('young', entry('young', 1, [], local.now()));
    local.advance(30_001); // 'old' expired; the last sweep ran at creation, 60 001 ms ago
    await store.set('other', entry('other', 1, [], local.now()));
    expect(store.usage()).toEqual({ entries: 2, bytes: expect.any(Number), tags: 0 });
    local.advance(30_000); // 'young' expired, but the next sweep is not due yet
    await store.set('more', entry('more', 1, [], local.now()));
    expect(store.usage().entries).toBe(3);
  });

  it('counts only live entries as removed or expired by an invalidation', async () => {
    const local = createFakeClock();
    const store = memoryStore({ clock: local.now });
    const shortLived = (key: string) => ({
      ...entry(key, 1, ['t'], local.now()),
      expiresAt: local.now() + 1_000,
    });
    await store.set('a', entry('a', 1, ['t'], local.now()));
    await store.set('b', shortLived('b'));
    await store.set('c', entry('c', 1, ['t'], local.now()));
    await store.set('d', shortLived('d'));
    local.advance(1_000); // 'b' and 'd' expired, not yet swept
    expect(await store.delete(['a', 'b'])).toBe(1);
    expect(await store.invalidateTags(['t'], 'expire', local.now())).toBe(1);
  });

  it('reports l1 hits and misses', async () => {
    const store = memoryStore({ clock: clock.now });
    await store.set('a', entry('a', 1));
    await store.get('a');
    await store.get('missing');
    expect(store.stats?.()).toEqual({ l1: { hits: 1, misses: 1, errors: 0 } });
  });

  it('rejects invalid options naming the option', () => {
    expect(() => memoryStore({ maxBytes: -1 })).toThrow(/maxBytes/);
    expect(() => memoryStore({ maxEntries: 1.5 })).toThrow(/maxEntries/);
    expect(() => memoryStore({ clock: 5 as unknown as () => number })).toThrow(/clock/);
  });
});
