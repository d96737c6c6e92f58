import { describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory';
import type { CacheEntry, Store } from '../types';
import { createSafeStore } from './safe-store';
import { createStatsRecorder } from './stats';

const now = Date.now();
const entry: CacheEntry = {
  key: 'k',
  response: { status: 200, headers: {}, body: new Uint8Array([104, 105]) },
  tags: [],
  storedAt: now,
  freshUntil: now + 60_000,
  staleWhileRevalidate: 0,
  staleIfError: 0,
  expiresAt: now + 60_000,
};

function wrap(store: Store) {
  const stats = createStatsRecorder();
  const logger = { warn: vi.fn(), error: vi.fn() };
  return { safe: createSafeStore(store, stats, logger), stats, logger };
}

describe('SafeStore.read', () => {
  it('hands `then` the entry and resolves with what it returns', async () => {
    const store = memoryStore();
    await store.set('k', entry);
    const { safe } = wrap(store);
    const seen: (CacheEntry | undefined)[] = [];
    const value = await safe.read('k', 'GET /k', (found) => {
      seen.push(found);
      return 'answer';
    });
    expect(value).toBe('answer');
    expect(seen).toEqual([expect.objectContaining({ key: 'k' })]);
  });

  it('hands `then` undefined when the store rejects or throws, counted and logged once each', async () => {
    const failing = { ...memoryStore(), get: () => Promise.reject(new Error('down')) };
    const throwing = {
      ...memoryStore(),
      get: () => {
        throw new Error('sync');
      },
    };
    for (const store of [failing, throwing] as Store[]) {
      const { safe, stats, logger } = wrap(store);
      const seen: (CacheEntry | undefined)[] = [];
      await expect(safe.read('k', 'GET /k', (found) => seen.push(found))).resolves.toBe(1);
      expect(seen).toEqual([undefined]);
      expect(stats.snapshot(undefined).routes['GET /k']?.errors).toBe(1);
      expect(logger.warn).toHaveBeenCalledTimes(1);
    }
  });

  it('rejects with what `then` throws, without counting a store error', async () => {
    const { safe, stats } = wrap(memoryStore());
    const bad = new Error('engine');
    await expect(
      safe.read('k', 'GET /k', () => {
        throw bad;
      }),
    ).rejects.toBe(bad);
    expect(stats.snapshot(undefined).errors).toBe(0);
  });
});
