import { describe, expect, it, vi } from 'vitest';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { createFakeClock } from '../testing/fake-clock';
import type { Store } from '../types';
import { createCache } from './create-cache';
import { bodyText, fakeOrigin, faultyStore, header, makeRequest, settle } from './test-fixtures';

const policy = definePolicy({ maxAge: 60, staleWhileRevalidate: 30, tags: ['t'] });

function setup(faults: Parameters<typeof faultyStore>[1]) {
  const clock = createFakeClock();
  const store = faultyStore(memoryStore({ clock: clock.now }), faults);
  const logger = { warn: vi.fn(), error: vi.fn() };
  const cache = createCache({ store, clock: clock.now, logger });
  return { cache, clock, store, logger };
}

describe('handle: store failures', () => {
  it('answers from the origin when get rejects, counts and logs the error', async () => {
    const { cache, logger } = setup({ reject: ['get'] });
    const origin = fakeOrigin();
    const answer = await cache.handle(makeRequest('/p', { routeLabel: 'GET /p' }), policy, origin);
    expect(answer.status).toBe(200);
    expect(bodyText(answer)).toBe('body 1');
    expect(origin.calls).toHaveLength(1);
    const stats = cache.stats();
    expect(stats.errors).toBe(1);
    expect(stats.routes['GET /p']?.errors).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('store get failed'),
      expect.objectContaining({ key: expect.any(String), operation: 'get' }),
    );
  });

  it('answers when set rejects, without claiming the response was stored', async () => {
    const { cache } = setup({ reject: ['set'] });
    const answer = await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    expect(answer.status).toBe(200);
    expect(header(answer, 'cache-status')).toBe('routecache; fwd=miss; ttl=60');
    expect(cache.stats().stored).toBe(0);
    expect(cache.stats().errors).toBe(1);
  });

  it('answers a background refresh whose store write rejects without surfacing it', async () => {
    const clock = createFakeClock();
    const base = memoryStore({ clock: clock.now });
    let failSet = false;
    const store: Store = {
      ...base,
      name: base.name,
      set: (...args) => (failSet ? Promise.reject(new Error('down')) : base.set(...args)),
    };
    const cache = createCache({ store, clock: clock.now });
    await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    clock.advance(61_000);
    failSet = true;
    const answer = await cache.handle(makeRequest('/p'), policy, fakeOrigin(), { refresh: fakeOrigin() });
    await settle();
    expect(answer.status).toBe(200);
    expect(cache.stats().errors).toBe(1);
  });

  it('does not fail unsafe requests when invalidation rejects', async () => {
    const { cache } = setup({ reject: ['invalidateTags'] });
    const answer = await cache.handle(makeRequest('/p', { method: 'POST' }), policy, fakeOrigin());
    expect(answer.status).toBe(200);
    expect(cache.stats().errors).toBe(1);
  });

  it('survives a store that throws synchronously', async () => {
    const base = memoryStore();
    const store: Store = {
      ...base,
      name: 'sync-thrower',
      get: () => {
        throw new Error('sync');
      },
    };
    const cache = createCache({ store });
    const answer = await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    expect(answer.status).toBe(200);
    expect(cache.stats().errors).toBe(1);
  });

  it('survives a logger that throws', async () => {
    const clock = createFakeClock();
    const store = faultyStore(memoryStore({ clock: clock.now }), { reject: ['get'] });
    const throwing = () => {
      throw new Error('logger down');
    };
    const cache = createCache({ store, clock: clock.now, logger: { warn: throwing, error: throwing } });
    expect((await cache.handle(makeRequest('/p'), policy, fakeOrigin())).status).toBe(200);
  });

  it('stays silent by default (no console output)', async () => {
    const spies = (['log', 'warn', 'error', 'info', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    const cache = createCache({ store: faultyStore(memoryStore(), { reject: ['get', 'set'] }) });
    await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });
});
