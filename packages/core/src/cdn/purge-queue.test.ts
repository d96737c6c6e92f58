import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PurgeError } from '../errors';
import { recordingPurger } from '../testing/recording-purger';
import type { Logger } from '../types';
import { createPurgeQueue, MAX_BACKOFF_MS } from './purge-queue';
import type { Purger } from './purger';

function queue(
  purgers: Purger[],
  overrides: { withinMs?: number; timeoutMs?: number; logger?: Logger } = {},
) {
  return createPurgeQueue({
    purgers,
    withinMs: overrides.withinMs ?? 30_000,
    timeoutMs: overrides.timeoutMs ?? 10_000,
    backoffMs: 250,
    logger: overrides.logger ?? { warn() {}, error() {} },
  });
}

const http = (status: number, retryAfterMs?: number) =>
  new PurgeError(`answered ${status}`, {
    cdn: 'recording',
    status,
    retryable: status === 429 || status >= 500,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

describe('createPurgeQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  describe('when several invalidations come at once', () => {
    it('batches them into one call per kind and drops duplicates', async () => {
      const cdn = recordingPurger();
      const purges = queue([cdn]);
      await Promise.all([
        purges.purge({ tags: ['a', 'b', 'a'], soft: false }),
        purges.purge({ tags: ['b', 'c'], urls: ['https://shop.example/p/1'], soft: false }),
      ]);
      expect(cdn.calls).toEqual([
        { kind: 'tags', items: ['a', 'b', 'c'], soft: false },
        { kind: 'urls', items: ['https://shop.example/p/1'], soft: false },
      ]);
      expect(purges.stats().recording).toEqual({
        calls: 2,
        tags: 3,
        urls: 1,
        retries: 0,
        failed: 0,
        pending: 0,
      });
    });

    it('splits a purge into calls within the per-call count and byte limits', async () => {
      const byCount = recordingPurger({ name: 'count', limits: { tags: 2, urls: 1 } });
      const byBytes = recordingPurger({ name: 'bytes', limits: { tags: 100, urls: 100, bytes: 8 } });
      await queue([byCount, byBytes]).purge({ tags: ['t1', 't2', 't3', 't4', 't5'], soft: false });
      expect(byCount.calls.map((call) => call.items)).toEqual([['t1', 't2'], ['t3', 't4'], ['t5']]);
      // 3 bytes per tag with its separator: two fit in 8.
      expect(byBytes.calls.map((call) => call.items)).toEqual([['t1', 't2'], ['t3', 't4'], ['t5']]);
    });

    it('lets a hard purge already waiting cover a soft one, and sends soft as hard where the CDN has no soft purge', async () => {
      const soft = recordingPurger({ name: 'soft' });
      const hardOnly = recordingPurger({ name: 'hard-only', softPurge: false });
      const purges = queue([soft, hardOnly]);
      await Promise.all([
        purges.purge({ tags: ['a'], soft: false }),
        purges.purge({ tags: ['a', 'b'], soft: true }),
      ]);
      expect(soft.calls).toEqual([
        { kind: 'tags', items: ['a'], soft: false },
        { kind: 'tags', items: ['b'], soft: true },
      ]);
      expect(hardOnly.calls).toEqual([{ kind: 'tags', items: ['a', 'b'], soft: false }]);
    });

    it('sends an item again when it was already in flight (the CDN may have purged before the write)', async () => {
      let release!: () => void;
      const cdn = recordingPurger({
        respond: (_call, attempt) =>
          attempt === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined,
      });
      const purges = queue([cdn]);
      const first = purges.purge({ tags: ['a'], soft: false });
      await vi.advanceTimersByTimeAsync(0);
      const second = purges.purge({ tags: ['a'], soft: false });
      await vi.advanceTimersByTimeAsync(0);
      release();
      await Promise.all([first, second]);
      expect(cdn.calls).toHaveLength(2);
    });

    it('skips tags for a purger without a tag header', async () => {
      const urlsOnly = recordingPurger({ tagHeader: false });
      await queue([urlsOnly]).purge({ tags: ['a'], urls: ['https://x.example/'], soft: false });
      expect(urlsOnly.calls).toEqual([{ kind: 'urls', items: ['https://x.example/'], soft: false }]);
    });
  });

  describe('when the CDN fails', () => {
    it('retries 5xx and network errors with growing backoff, logs each retry, then resolves', async () => {
      const warn = vi.fn();
      const cdn = recordingPurger({
        respond: (_call, attempt) => {
          if (attempt === 1) throw http(503);
          if (attempt === 2) throw new TypeError('fetch failed');
        },
      });
      const purges = queue([cdn], { logger: { warn, error() {} } });
      // Jitter at its bottom: waits of exactly 125 ms (half of 250), then 250 ms.
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const done = purges.purge({ tags: ['a'], soft: false });
      await vi.advanceTimersByTimeAsync(0);
      expect(cdn.calls).toHaveLength(1);
      expect(purges.stats().recording?.pending).toBe(1);
      await vi.advanceTimersByTimeAsync(124);
      expect(cdn.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(cdn.calls).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(249);
      expect(cdn.calls).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      await done;
      expect(cdn.calls).toHaveLength(3);
      expect(purges.stats().recording).toMatchObject({
        calls: 1,
        tags: 1,
        retries: 2,
        failed: 0,
        pending: 0,
      });
      expect(warn).toHaveBeenCalledTimes(2);
      expect(warn.mock.calls[0]?.[1]).toMatchObject({ cdn: 'recording', kind: 'tags', attempt: 1 });
    });

    it('waits as long as Retry-After says on a 429', async () => {
      const cdn = recordingPurger({
        respond: (_call, attempt) => (attempt === 1 ? Promise.reject(http(429, 3000)) : undefined),
      });
      const done = queue([cdn]).purge({ urls: ['https://x.example/a'], soft: false });
      await vi.advanceTimersByTimeAsync(2999);
      expect(cdn.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await done;
      expect(cdn.calls).toHaveLength(2);
    });

    it('caps the backoff at MAX_BACKOFF_MS', async () => {
      const cdn = recordingPurger({
        respond: (_call, attempt) => (attempt < 8 ? Promise.reject(http(502)) : undefined),
      });
      const done = queue([cdn], { withinMs: 120_000 }).purge({ tags: ['a'], soft: false });
      await vi.advanceTimersByTimeAsync(250 + 500 + 1000 + 2000 + 4000);
      const before = cdn.calls.length;
      await vi.advanceTimersByTimeAsync(MAX_BACKOFF_MS * 3);
      await done;
      expect(cdn.calls.length - before).toBeLessThanOrEqual(3);
      expect(cdn.calls.length).toBe(8);
    });

    it('gives up at once on an answer a retry cannot fix (401), rejecting with a PurgeError naming the CDN', async () => {
      const error = vi.fn();
      const cdn = recordingPurger({ name: 'fastly', respond: () => Promise.reject(http(401)) });
      const purges = queue([cdn], { logger: { warn() {}, error } });
      const outcome = purges.purge({ tags: ['a', 'b'], soft: false }).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(0);
      const rejected = await outcome;
      expect(rejected).toBeInstanceOf(PurgeError);
      expect(rejected).toMatchObject({ code: 'E_PURGE', cdn: 'fastly', status: 401, retryable: false });
      expect((rejected as Error).message).toBe(
        'cdn "fastly" did not acknowledge the purge of 2 tags (last answer HTTP 401)',
      );
      expect(cdn.calls).toHaveLength(1);
      expect(purges.stats().fastly).toMatchObject({ calls: 0, failed: 1, retries: 0, pending: 0 });
      expect(error).toHaveBeenCalledWith(
        'routecache: cdn purge given up',
        expect.objectContaining({ cdn: 'fastly' }),
      );
    });

    it('rejects when the retry budget runs out, without waiting past it', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const cdn = recordingPurger({ respond: () => Promise.reject(http(500)) });
      const outcome = queue([cdn], { withinMs: 2000 })
        .purge({ tags: ['a'], soft: true })
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(2000);
      const rejected = await outcome;
      expect(rejected).toMatchObject({ cdn: 'recording', status: 500 });
      // Attempts at 0, 125, 375, 875 and 1875 ms; the next wait (2000 ms) would end past 2000 ms.
      expect(cdn.calls).toHaveLength(5);
    });

    it('gives up when Retry-After points past the budget', async () => {
      const cdn = recordingPurger({ respond: () => Promise.reject(http(429, 60_000)) });
      const outcome = queue([cdn], { withinMs: 30_000 })
        .purge({ tags: ['a'], soft: false })
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(0);
      expect(await outcome).toMatchObject({ status: 429 });
      expect(cdn.calls).toHaveLength(1);
    });

    it('aborts an attempt that hangs after timeoutMs and retries it', async () => {
      let signal: AbortSignal | undefined;
      const cdn = recordingPurger({
        respond: (_call, attempt, options) => {
          signal = options.signal;
          return attempt === 1 ? new Promise<void>(() => {}) : undefined;
        },
      });
      const done = queue([cdn], { timeoutMs: 1000 }).purge({ tags: ['a'], soft: false });
      await vi.advanceTimersByTimeAsync(999);
      expect(cdn.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1 + 250);
      await done;
      expect(cdn.calls).toHaveLength(2);
      expect(signal?.aborted).toBe(false);
    });

    it('still purges the other CDNs and names the one that failed', async () => {
      const good = recordingPurger({ name: 'good' });
      const bad = recordingPurger({ name: 'bad', respond: () => Promise.reject(http(403)) });
      const outcome = queue([good, bad])
        .purge({ tags: ['a'], soft: false })
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(0);
      expect(await outcome).toMatchObject({ cdn: 'bad' });
      expect(good.calls).toHaveLength(1);
    });

    it('names every CDN that failed', async () => {
      const one = recordingPurger({ name: 'one', respond: () => Promise.reject(http(403)) });
      const two = recordingPurger({ name: 'two', respond: () => Promise.reject(http(403)) });
      const outcome = queue([one, two])
        .purge({ tags: ['a'], soft: false })
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(0);
      expect(await outcome).toMatchObject({ cdn: 'one', message: 'cdn purges failed on "one", "two"' });
    });

    it('survives a throwing logger', async () => {
      const cdn = recordingPurger({
        respond: (_call, attempt) => (attempt === 1 ? Promise.reject(http(500)) : undefined),
      });
      const throwing = () => {
        throw new Error('logger down');
      };
      const done = queue([cdn], { logger: { warn: throwing, error: throwing } }).purge({
        tags: ['a'],
        soft: false,
      });
      await vi.advanceTimersByTimeAsync(300);
      await expect(done).resolves.toBeUndefined();
    });
  });
});
