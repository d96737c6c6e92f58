import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { createFakeClock } from '../testing/fake-clock';
import type { Store, StoreLock } from '../types';
import { createCache } from './create-cache';
import {
  bodyText,
  deferred,
  fakeOrigin,
  header,
  makeRequest,
  settle,
  setupCache,
  textResponse,
} from './test-fixtures';

const policy = definePolicy({ maxAge: 60, tags: ['t'] });

describe('handle: stampede protection', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the origin once for 50 concurrent misses; the waiters get the same entry', async () => {
    const { cache } = setupCache();
    const gate = deferred();
    const origin = fakeOrigin(async (_ctx, n) => {
      await gate.promise;
      return textResponse(`body ${n}`);
    });
    const answers = Array.from({ length: 50 }, () =>
      cache.handle(makeRequest('/p', { routeLabel: 'GET /p' }), policy, origin),
    );
    await settle();
    gate.resolve();
    const results = await Promise.all(answers);
    expect(origin.calls).toHaveLength(1);
    expect(new Set(results.map(bodyText))).toEqual(new Set(['body 1']));
    expect(results.filter((a) => header(a, 'cache-status')?.includes('collapsed'))).toHaveLength(49);
    const stats = cache.stats();
    expect(stats.misses).toBe(1);
    expect(stats.coalesced).toBe(49);
    expect(stats.routes['GET /p']?.coalesced).toBe(49);
  });

  it('releases the waiters at once when the result is uncacheable; they run their own origin', async () => {
    const { cache } = setupCache();
    const gate = deferred();
    const origin = fakeOrigin(async (_ctx, n) => {
      if (n === 1) await gate.promise;
      return textResponse(`body ${n}`, 200, { 'set-cookie': `sid=${n}` });
    });
    const answers = Array.from({ length: 5 }, () => cache.handle(makeRequest('/p'), policy, origin));
    await settle();
    expect(origin.calls).toHaveLength(1);
    gate.resolve();
    const results = await Promise.all(answers);
    expect(origin.calls).toHaveLength(5);
    // Each request got its own response (its own cookie), never another's.
    expect(new Set(results.map(bodyText)).size).toBe(5);
  });

  it('remembers an uncacheable key (hit-for-miss): later requests do not queue behind each other', async () => {
    const { cache, clock } = setupCache({ hitForMiss: 10 });
    const origin = fakeOrigin((_ctx, n) => textResponse(`body ${n}`, 200, { 'cache-control': 'no-store' }));
    await cache.handle(makeRequest('/p'), policy, origin);
    // Now two concurrent requests: both run the origin at the same time, no coalescing.
    const gate = deferred();
    const slow = fakeOrigin(async (_ctx, n) => {
      await gate.promise;
      return textResponse(`slow ${n}`, 200, { 'cache-control': 'no-store' });
    });
    const both = [
      cache.handle(makeRequest('/p'), policy, slow),
      cache.handle(makeRequest('/p'), policy, slow),
    ];
    await settle();
    expect(slow.calls).toHaveLength(2);
    gate.resolve();
    await Promise.all(both);
    expect(cache.stats().coalesced).toBe(0);

    // After hitForMiss seconds, coalescing is back.
    clock.advance(10_000);
    const gate2 = deferred();
    const third = fakeOrigin(async () => {
      await gate2.promise;
      return textResponse('x', 200, { 'cache-control': 'no-store' });
    });
    const again = [
      cache.handle(makeRequest('/p'), policy, third),
      cache.handle(makeRequest('/p'), policy, third),
    ];
    await settle();
    expect(third.calls).toHaveLength(1);
    gate2.resolve();
    await Promise.all(again);
  });

  it('stores a hit-for-miss key again once its response becomes cacheable', async () => {
    const { cache } = setupCache();
    let cacheable = false;
    const origin = fakeOrigin((_ctx, n) =>
      textResponse(`body ${n}`, 200, cacheable ? {} : { 'set-cookie': 'a=1' }),
    );
    await cache.handle(makeRequest('/p'), policy, origin);
    cacheable = true;
    await cache.handle(makeRequest('/p'), policy, origin);
    const hit = await cache.handle(makeRequest('/p'), policy, origin);
    expect(origin.calls).toHaveLength(2);
    expect(bodyText(hit)).toBe('body 2');
  });

  it('releases the waiters when the leader origin throws; they run their own', async () => {
    const { cache } = setupCache();
    const gate = deferred();
    const origin = fakeOrigin(async (_ctx, n) => {
      if (n === 1) {
        await gate.promise;
        throw new Error('boom');
      }
      return textResponse(`body ${n}`);
    });
    const leader = cache.handle(makeRequest('/p'), policy, origin);
    const waiter = cache.handle(makeRequest('/p'), policy, origin);
    await settle();
    gate.resolve();
    await expect(leader).rejects.toThrow('boom');
    expect(bodyText(await waiter)).toBe('body 2');
  });

  it('coalesces a HEAD miss onto a GET in flight', async () => {
    const { cache } = setupCache();
    const gate = deferred();
    const origin = fakeOrigin(async (_ctx, n) => {
      await gate.promise;
      return textResponse(`body ${n}`);
    });
    const get = cache.handle(makeRequest('/p'), policy, origin);
    const head = cache.handle(makeRequest('/p', { method: 'HEAD' }), policy, origin);
    await settle();
    gate.resolve();
    const [, headAnswer] = await Promise.all([get, head]);
    expect(origin.calls).toHaveLength(1);
    expect(headAnswer.body).toBeNull();
    expect(headAnswer.status).toBe(200);
  });

  describe('with a shared store lock', () => {
    const clock = createFakeClock();
    function lockedStore(heldElsewhere: boolean): { store: Store; released: string[]; acquired: string[] } {
      const base = memoryStore({ clock: clock.now });
      const released: string[] = [];
      const acquired: string[] = [];
      const lock: StoreLock = {
        async acquire(key) {
          if (heldElsewhere) return undefined;
          acquired.push(key);
          return async () => {
            released.push(key);
          };
        },
      };
      return { store: Object.assign(Object.create(base) as Store, base, { lock }), released, acquired };
    }

    it('takes the lock on a miss and releases it after storing', async () => {
      const { store, released, acquired } = lockedStore(false);
      const { cache } = setupCache({ store });
      await cache.handle(makeRequest('/p'), policy, fakeOrigin());
      expect(acquired).toHaveLength(1);
      expect(released).toEqual(acquired);
    });

    it('waits for the holder entry instead of running the origin', async () => {
      vi.useFakeTimers();
      const { store } = lockedStore(true);
      const cache = createCache({ store, clock: clock.now, lock: { wait: 5 } });
      const origin = fakeOrigin();
      const answer = cache.handle(makeRequest('/p'), policy, origin);
      await vi.advanceTimersByTimeAsync(120);
      // Another instance (the lock holder) stores the entry.
      const holder = createCache({ store, clock: clock.now, lock: false });
      await holder.handle(
        makeRequest('/p'),
        policy,
        fakeOrigin(() => textResponse('from holder')),
      );
      await vi.advanceTimersByTimeAsync(100);
      const result = await answer;
      expect(origin.calls).toHaveLength(0);
      expect(bodyText(result)).toBe('from holder');
      expect(header(result, 'cache-status')).toContain('collapsed');
      expect(cache.stats()).toMatchObject({ coalesced: 1, misses: 0 });
    });

    it('takes the lock over at once when the holder releases it without an entry', async () => {
      vi.useFakeTimers();
      const base = memoryStore({ clock: clock.now });
      let holder: 'other' | 'free' | 'us' = 'other';
      const taken: string[] = [];
      const lock: StoreLock = {
        async acquire(key) {
          if (holder !== 'free') return undefined;
          holder = 'us';
          taken.push(key);
          return async () => {
            holder = 'free';
          };
        },
      };
      const store = Object.assign(Object.create(base) as Store, base, { lock });
      const cache = createCache({ store, clock: clock.now, lock: { wait: 5 } });
      const origin = fakeOrigin();
      const answer = cache.handle(makeRequest('/p'), policy, origin);
      await vi.advanceTimersByTimeAsync(120);
      expect(origin.calls).toHaveLength(0);
      holder = 'free'; // the other instance's answer was uncacheable: it released the lock
      await vi.advanceTimersByTimeAsync(60);
      expect(bodyText(await answer)).toBe('body 1');
      expect(origin.calls).toHaveLength(1);
      expect(taken).toHaveLength(1);
      expect(holder).toBe('free'); // and released it after its own run
    });

    it('runs the origin itself once the wait is over', async () => {
      vi.useFakeTimers();
      const { store } = lockedStore(true);
      const cache = createCache({ store, clock: clock.now, lock: { wait: 1 } });
      const origin = fakeOrigin();
      const answer = cache.handle(makeRequest('/p'), policy, origin);
      await vi.advanceTimersByTimeAsync(999);
      expect(origin.calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(100);
      expect(bodyText(await answer)).toBe('body 1');
      expect(origin.calls).toHaveLength(1);
    });

    it('does not use the lock with lock: false', async () => {
      const { store, acquired } = lockedStore(false);
      const { cache } = setupCache({ store, lock: false });
      await cache.handle(makeRequest('/p'), policy, fakeOrigin());
      expect(acquired).toHaveLength(0);
    });
  });

  it('does not hold waiters forever behind a leader whose handler never ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { cache } = setupCache({ lock: { wait: 2 } });
    const never = deferred<never>();
    const origin = fakeOrigin(async (_ctx, n) => {
      if (n === 1) return never.promise;
      return textResponse(`body ${n}`);
    });
    void cache.handle(makeRequest('/stuck'), policy, origin);
    await vi.advanceTimersByTimeAsync(0);
    const waiter = cache.handle(makeRequest('/stuck'), policy, origin);
    await vi.advanceTimersByTimeAsync(0);
    expect(origin.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    const answer = await waiter;
    expect(origin.calls).toHaveLength(2);
    expect(bodyText(answer)).toBe('body 2');
  });
});
