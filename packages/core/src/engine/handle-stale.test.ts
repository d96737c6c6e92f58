import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePolicy } from '../policy/policy';
import type { OriginResponse } from '../types';
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

const swr = definePolicy({ maxAge: 60, staleWhileRevalidate: 30, tags: ['t'] });
const sie = definePolicy({ maxAge: 60, staleIfError: 300, tags: ['t'] });

describe('handle: stale entries', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('within staleWhileRevalidate', () => {
    it('serves the stale entry at once and refreshes it in the background once', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), swr, fakeOrigin());
      clock.advance(65_000);
      const gate = deferred();
      const refresh = fakeOrigin(async (ctx, n) => {
        expect(ctx.background).toBe(true);
        await gate.promise;
        return textResponse(`refreshed ${n}`);
      });
      const foreground = fakeOrigin();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => cache.handle(makeRequest('/p'), swr, foreground, { refresh })),
      );
      for (const answer of answers) {
        expect(bodyText(answer)).toBe('body 1');
        expect(header(answer, 'cache-status')).toBe('routecache; hit; ttl=-5; detail=stale-while-revalidate');
      }
      expect(foreground.calls).toHaveLength(0);
      expect(refresh.calls).toHaveLength(1);
      gate.resolve();
      await settle();
      const after = await cache.handle(makeRequest('/p'), swr, foreground, { refresh });
      expect(bodyText(after)).toBe('refreshed 1');
      expect(header(after, 'cache-status')).toBe('routecache; hit; ttl=60');
      expect(cache.stats().stale).toBe(10);
    });

    it('hands the background refresh to waitUntil', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), swr, fakeOrigin());
      clock.advance(61_000);
      const waitUntil = vi.fn();
      const request = makeRequest('/p');
      await cache.handle(request, swr, fakeOrigin(), { refresh: fakeOrigin(), waitUntil });
      expect(waitUntil).toHaveBeenCalledTimes(1);
      await expect(waitUntil.mock.calls[0]?.[0]).resolves.toBeUndefined();
      // With the request it runs for, so one hook can serve every request.
      expect(waitUntil.mock.calls[0]?.[1]).toBe(request);
    });

    it('keeps serving stale when the background refresh fails, and logs it', async () => {
      const error = vi.fn();
      const { cache, clock } = setupCache({ logger: { warn: vi.fn(), error } });
      await cache.handle(makeRequest('/p'), swr, fakeOrigin());
      clock.advance(61_000);
      const refresh = fakeOrigin(() => {
        throw new Error('refresh failed');
      });
      await cache.handle(makeRequest('/p'), swr, fakeOrigin(), { refresh });
      await settle();
      expect(error).toHaveBeenCalled();
      const again = await cache.handle(makeRequest('/p'), swr, fakeOrigin(), { refresh });
      expect(bodyText(again)).toBe('body 1');
    });

    it('without a refresh function, serves stale once and the next request refreshes in the foreground', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), swr, fakeOrigin());
      clock.advance(61_000);
      const origin = fakeOrigin((_ctx, n) => textResponse(`new ${n}`));
      const stale = await cache.handle(makeRequest('/p'), swr, origin);
      expect(bodyText(stale)).toBe('body 1');
      expect(origin.calls).toHaveLength(0);
      const refreshed = await cache.handle(makeRequest('/p'), swr, origin);
      expect(origin.calls).toHaveLength(1);
      expect(bodyText(refreshed)).toBe('new 1');
      expect(header(refreshed, 'cache-status')).toContain('fwd=miss');
      const hit = await cache.handle(makeRequest('/p'), swr, origin);
      expect(bodyText(hit)).toBe('new 1');
    });

    it('does not refresh a HEAD request in the background', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), swr, fakeOrigin());
      clock.advance(61_000);
      const refresh = fakeOrigin();
      const head = await cache.handle(makeRequest('/p', { method: 'HEAD' }), swr, fakeOrigin(), { refresh });
      expect(head.body).toBeNull();
      expect(refresh.calls).toHaveLength(0);
    });

    it('misses once the stale-while-revalidate window is over', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), swr, fakeOrigin());
      clock.advance(90_000);
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p'), swr, origin, { refresh: fakeOrigin() });
      expect(origin.calls).toHaveLength(1);
    });
  });

  describe('within staleIfError', () => {
    it('serves the stale entry when the origin throws', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), sie, fakeOrigin());
      clock.advance(120_000);
      const failing = fakeOrigin(() => {
        throw new Error('down');
      });
      const answer = await cache.handle(makeRequest('/p'), sie, failing);
      expect(failing.calls).toHaveLength(1);
      expect(bodyText(answer)).toBe('body 1');
      expect(header(answer, 'cache-status')).toBe('routecache; fwd=stale; ttl=-60; detail=stale-if-error');
      expect(cache.stats().stale).toBe(1);
    });

    it('serves the stale entry when the origin answers 5xx', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), sie, fakeOrigin());
      clock.advance(61_000);
      const answer = await cache.handle(
        makeRequest('/p'),
        sie,
        fakeOrigin(() => textResponse('oops', 503)),
      );
      expect(answer.status).toBe(200);
      expect(bodyText(answer)).toBe('body 1');
      expect(header(answer, 'cache-status')).toBe(
        'routecache; fwd=stale; fwd-status=503; ttl=-1; detail=stale-if-error',
      );
    });

    it('uses a fresh origin answer when there is one', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), sie, fakeOrigin());
      clock.advance(61_000);
      const answer = await cache.handle(
        makeRequest('/p'),
        sie,
        fakeOrigin(() => textResponse('new')),
      );
      expect(bodyText(answer)).toBe('new');
    });

    it('rethrows the origin error once the window is over', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), sie, fakeOrigin());
      clock.advance(361_000);
      const failing = fakeOrigin(() => {
        throw new Error('down');
      });
      await expect(cache.handle(makeRequest('/p'), sie, failing)).rejects.toThrow('down');
      const fiveHundred = await cache.handle(
        makeRequest('/p'),
        sie,
        fakeOrigin(() => textResponse('oops', 500)),
      );
      expect(fiveHundred.status).toBe(500);
    });

    it('rethrows the origin error when nothing is stored', async () => {
      const { cache } = setupCache();
      const failing = fakeOrigin(() => {
        throw new Error('down');
      });
      await expect(cache.handle(makeRequest('/p'), sie, failing)).rejects.toThrow('down');
    });
  });

  describe('invalidate with mode expire', () => {
    it('marks entries stale so stale-while-revalidate still applies', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), swr, fakeOrigin());
      await cache.invalidate({ tags: ['t'], mode: 'expire' });
      // The race guard drops runs started in the same millisecond as an invalidation.
      clock.advance(1);
      const refresh = fakeOrigin(() => textResponse('refreshed'));
      const answer = await cache.handle(makeRequest('/p'), swr, fakeOrigin(), { refresh });
      expect(bodyText(answer)).toBe('body 1');
      expect(header(answer, 'cache-status')).toContain('hit; ttl=-1');
      await settle();
      expect(refresh.calls).toHaveLength(1);
      expect(bodyText(await cache.handle(makeRequest('/p'), swr, fakeOrigin()))).toBe('refreshed');
    });

    it('deletes by default: the next request misses', async () => {
      const { cache } = setupCache();
      await cache.handle(makeRequest('/p'), swr, fakeOrigin());
      expect(await cache.invalidate({ tags: ['t'] })).toEqual({ keys: 1, tags: 1 });
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p'), swr, origin, { refresh: fakeOrigin() });
      expect(origin.calls).toHaveLength(1);
    });
  });

  describe('race guard', () => {
    it('does not write back a result whose tag was invalidated while the origin ran', async () => {
      const { cache, clock } = setupCache();
      const gate = deferred<OriginResponse>();
      const slow = fakeOrigin(() => gate.promise);
      const answer = cache.handle(makeRequest('/p'), swr, slow);
      await settle();
      clock.advance(10);
      await cache.invalidate({ tags: ['t'] });
      clock.advance(10);
      gate.resolve(textResponse('old data'));
      const result = await answer;
      expect(bodyText(result)).toBe('old data');
      expect(header(result, 'cache-status')).toBe('routecache; fwd=miss; ttl=60');
      const origin = fakeOrigin();
      const next = await cache.handle(makeRequest('/p'), swr, origin);
      expect(origin.calls).toHaveLength(1);
      expect(bodyText(next)).toBe('body 1');
      expect(cache.stats().stored).toBe(1);
    });

    it('does not write back a result whose URL was changed by an unsafe request meanwhile', async () => {
      const { cache, clock } = setupCache();
      const gate = deferred<OriginResponse>();
      const answer = cache.handle(
        makeRequest('/p'),
        swr,
        fakeOrigin(() => gate.promise),
      );
      await settle();
      clock.advance(10);
      await cache.handle(
        makeRequest('/p', { method: 'PUT' }),
        swr,
        fakeOrigin(() => textResponse('ok')),
      );
      gate.resolve(textResponse('old data'));
      await answer;
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p'), swr, origin);
      expect(origin.calls).toHaveLength(1);
    });
  });

  describe('early refresh (XFetch)', () => {
    const slowOrigin = (clockAdvance: (ms: number) => void) =>
      fakeOrigin((_ctx, n) => {
        clockAdvance(2_000); // the origin takes 2 s: delta = 2000 ms
        return textResponse(`body ${n}`);
      });

    it('refreshes a fresh entry in the background near expiry', async () => {
      const { cache, clock } = setupCache({ earlyRefresh: 1 });
      await cache.handle(makeRequest('/p'), swr, slowOrigin(clock.advance));
      // Stored at +2 s (after the origin ran), fresh until +62 s; at +59 s, 3 s are left and
      // -delta * beta * ln(1 - 0.9) = -2000 * ln(0.1) = 4605 ms >= 3000 ms.
      clock.advance(57_000);
      vi.spyOn(Math, 'random').mockReturnValue(0.9);
      const refresh = fakeOrigin();
      const answer = await cache.handle(makeRequest('/p'), swr, fakeOrigin(), { refresh });
      expect(header(answer, 'cache-status')).toBe('routecache; hit; ttl=3');
      await settle();
      expect(refresh.calls).toHaveLength(1);
    });

    it('refreshes early in the foreground without a refresh function, serving the fresh entry if that fails', async () => {
      const { cache, clock } = setupCache({ earlyRefresh: 1 });
      await cache.handle(makeRequest('/p'), swr, slowOrigin(clock.advance));
      clock.advance(57_000);
      vi.spyOn(Math, 'random').mockReturnValue(0.9);
      const origin = fakeOrigin((_ctx, n) => {
        clock.advance(2_000);
        return textResponse(`early ${n}`);
      });
      const refreshed = await cache.handle(makeRequest('/p'), swr, origin);
      expect(origin.calls).toHaveLength(1);
      expect(bodyText(refreshed)).toBe('early 1');
      expect(header(refreshed, 'cache-status')).toContain('fwd=miss');

      clock.advance(57_000);
      const failing = fakeOrigin(() => {
        throw new Error('down');
      });
      const fallback = await cache.handle(makeRequest('/p'), swr, failing);
      expect(failing.calls).toHaveLength(1);
      expect(bodyText(fallback)).toBe('early 1');
      expect(header(fallback, 'cache-status')).toBe('routecache; hit; ttl=3');
    });

    it('does not refresh early far from expiry, nor with earlyRefresh off', async () => {
      const { cache, clock } = setupCache({ earlyRefresh: 1 });
      await cache.handle(makeRequest('/p'), swr, slowOrigin(clock.advance));
      vi.spyOn(Math, 'random').mockReturnValue(0.9);
      const refresh = fakeOrigin();
      await cache.handle(makeRequest('/p'), swr, fakeOrigin(), { refresh });
      const off = setupCache();
      await off.cache.handle(makeRequest('/p'), swr, slowOrigin(off.clock.advance));
      off.clock.advance(57_500);
      await off.cache.handle(makeRequest('/p'), swr, fakeOrigin(), { refresh });
      await settle();
      expect(refresh.calls).toHaveLength(0);
    });
  });
});
