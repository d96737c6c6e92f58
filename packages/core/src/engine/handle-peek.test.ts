import { describe, expect, it, vi } from 'vitest';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { createFakeClock } from '../testing/fake-clock';
import type { Store } from '../types';
import { createCache } from './create-cache';
import { bodyText, fakeOrigin, header, makeRequest } from './test-fixtures';

const policy = definePolicy({ maxAge: 60 });

const clock = createFakeClock();

function spiedStore(peek?: (key: string) => never): { store: Store; get: ReturnType<typeof vi.fn> } {
  const base = memoryStore({ clock: clock.now });
  const get = vi.fn((key: string) => base.get(key));
  const store: Store = {
    name: 'spied',
    get,
    peek: peek ?? ((key) => base.peek?.(key)),
    set: (key, entry, options) => base.set(key, entry, options),
    delete: (keys) => base.delete(keys),
    invalidateTags: (tags, mode, now) => base.invalidateTags(tags, mode, now),
  };
  return { store, get };
}

describe('handle: a store with a synchronous peek', () => {
  it('answers a fresh hit from peek without calling get', async () => {
    const { store, get } = spiedStore();
    const cache = createCache({ store, clock: clock.now });
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p'), policy, origin);
    expect(get).toHaveBeenCalledTimes(1); // the miss
    const answer = await cache.handle(makeRequest('/p'), policy, origin);
    expect(bodyText(answer)).toBe('body 1');
    expect(header(answer, 'cache-status')).toMatch(/hit/);
    expect(get).toHaveBeenCalledTimes(1);
    expect(origin.calls).toHaveLength(1);
  });

  it('hands peek its clock reading and reads the clock once for a fresh hit', async () => {
    const local = createFakeClock();
    let readings = 0;
    const counted = (): number => {
      readings++;
      return local.now();
    };
    const base = memoryStore({ clock: counted });
    const seen: (number | undefined)[] = [];
    const store: Store = {
      name: 'spied',
      get: (key) => base.get(key),
      peek: (key, now) => {
        seen.push(now);
        return base.peek?.(key, now);
      },
      set: (key, entry, options) => base.set(key, entry, options),
      delete: (keys) => base.delete(keys),
      invalidateTags: (tags, mode, now) => base.invalidateTags(tags, mode, now),
    };
    const cache = createCache({ store, clock: counted, cacheStatus: false });
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p'), policy, origin);
    local.advance(1_000);
    readings = 0;
    seen.length = 0;
    const answer = await cache.handle(makeRequest('/p'), policy, origin);
    expect(bodyText(answer)).toBe('body 1');
    expect(header(answer, 'age')).toBe('1');
    expect(seen).toEqual([local.now()]);
    expect(readings).toBe(1);
  });

  it('falls back to get when peek throws, counting and logging the error', async () => {
    const { store, get } = spiedStore(() => {
      throw new Error('peek broke');
    });
    const logger = { warn: vi.fn(), error: vi.fn() };
    const cache = createCache({ store, logger, clock: clock.now });
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p', { routeLabel: 'GET /p' }), policy, origin);
    const answer = await cache.handle(makeRequest('/p', { routeLabel: 'GET /p' }), policy, origin);
    expect(header(answer, 'cache-status')).toMatch(/hit/); // served by get
    expect(get).toHaveBeenCalledTimes(2);
    expect(cache.stats().routes['GET /p']?.errors).toBe(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('store peek failed'),
      expect.objectContaining({ operation: 'peek' }),
    );
  });

  it('returns a peeked hit and its 304 synchronously, a miss and a bypass as promises', async () => {
    const { store } = spiedStore();
    const cache = createCache({ store, clock: clock.now });
    const origin = fakeOrigin();
    const miss = cache.handle(makeRequest('/p'), policy, origin);
    expect(miss).toBeInstanceOf(Promise);
    const etag = header(await miss, 'etag') ?? '';

    const hit = cache.handle(makeRequest('/p'), policy, origin);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(bodyText(hit as Awaited<typeof hit>)).toBe('body 1');

    const revalidated = cache.handle(
      makeRequest('/p', { headers: { 'if-none-match': etag } }),
      policy,
      origin,
    );
    expect(revalidated).not.toBeInstanceOf(Promise);
    expect((revalidated as Awaited<typeof revalidated>).status).toBe(304);

    const bypass = cache.handle(
      makeRequest('/p', { headers: { authorization: 'Bearer x' } }),
      policy,
      origin,
    );
    expect(bypass).toBeInstanceOf(Promise);
    await bypass;
    expect(origin.calls).toHaveLength(2);
  });

  it('rejects (never throws) when the engine fails on the synchronous path', async () => {
    const { store } = spiedStore();
    let broken = false;
    // The engine's clock failing once the entry is found stands for any bug on the hit path.
    const engineClock = (): number => {
      if (broken) throw new Error('clock broke');
      return clock.now();
    };
    const cache = createCache({ store, clock: engineClock });
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p'), policy, origin);
    broken = true;
    let result: unknown;
    expect(() => {
      result = cache.handle(makeRequest('/p'), policy, origin);
    }).not.toThrow();
    await expect(result).rejects.toThrow('clock broke');
  });
});
