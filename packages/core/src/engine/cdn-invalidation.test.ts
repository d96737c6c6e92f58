import { describe, expect, it } from 'vitest';
import { PolicyError, PurgeError, StoreError } from '../errors';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { recordingPurger } from '../testing/recording-purger';
import { createCache } from './create-cache';
import {
  fakeOrigin,
  faultyStore,
  header,
  makeRequest,
  settle,
  setupCache,
  textResponse,
} from './test-fixtures';

const noRetry = { within: 0 } as const;

describe('invalidate() with cdn purgers', () => {
  it('drops the store entries, then purges every CDN by tag; expire is a soft purge', async () => {
    const varnish = recordingPurger({ name: 'varnish' });
    const fastly = recordingPurger({ name: 'fastly' });
    const { cache } = setupCache({ cdn: [varnish, fastly] });
    const policy = definePolicy({ sMaxAge: 60, tags: ['products'] });
    await cache.handle(makeRequest('/p/1'), policy, fakeOrigin());
    expect(await cache.invalidate({ tags: ['products'] })).toEqual({ keys: 1, tags: 1 });
    await cache.invalidate({ tags: ['products'], mode: 'expire' });
    for (const cdn of [varnish, fastly]) {
      expect(cdn.calls).toEqual([
        { kind: 'tags', items: ['products'], soft: false },
        { kind: 'tags', items: ['products'], soft: true },
      ]);
    }
    expect(cache.stats().cdn).toEqual({
      varnish: { calls: 2, tags: 2, urls: 0, retries: 0, failed: 0, pending: 0 },
      fastly: { calls: 2, tags: 2, urls: 0, retries: 0, failed: 0, pending: 0 },
    });
  });

  it('does not call the CDN for getOrSet keys alone', async () => {
    const cdn = recordingPurger();
    const { cache } = setupCache({ cdn });
    await cache.getOrSet('user:1', async () => 1);
    await cache.invalidate({ keys: ['user:1'] });
    expect(cdn.calls).toEqual([]);
  });

  it('drops and purges public URLs given as urls', async () => {
    const cdn = recordingPurger();
    const { cache } = setupCache({ cdn });
    const policy = definePolicy({ sMaxAge: 60 });
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p/1?color=red', { host: 'shop.example' }), policy, origin);
    expect(await cache.invalidate({ urls: ['https://shop.example/p/1?color=red#top'] })).toMatchObject({
      keys: 1,
    });
    await cache.handle(makeRequest('/p/1?color=red', { host: 'shop.example' }), policy, origin);
    expect(origin.calls).toHaveLength(2);
    expect(cdn.calls).toEqual([{ kind: 'urls', items: ['https://shop.example/p/1?color=red'], soft: false }]);
  });

  it('rejects a relative URL', async () => {
    const { cache } = setupCache({ cdn: recordingPurger() });
    await expect(cache.invalidate({ urls: ['/p/1'] })).rejects.toThrow(TypeError);
  });

  it('rejects with a PurgeError naming the CDN that did not acknowledge, after the store was invalidated', async () => {
    const cdn = recordingPurger({
      name: 'cloudflare',
      respond: () => Promise.reject(new PurgeError('answered 503', { cdn: 'cloudflare', status: 503 })),
    });
    const { cache } = setupCache({ cdn, cdnRetry: noRetry });
    const policy = definePolicy({ sMaxAge: 60, tags: ['t'] });
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/a'), policy, origin);
    const error = await cache.invalidate({ tags: ['t'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PurgeError);
    expect(error).toMatchObject({ cdn: 'cloudflare', status: 503 });
    // The store layer acknowledged: the entry is gone.
    await cache.handle(makeRequest('/a'), policy, origin);
    expect(origin.calls).toHaveLength(2);
    expect(cache.stats().cdn?.cloudflare).toMatchObject({ failed: 1 });
  });

  it('still purges the CDN when the store failed, and rejects with a StoreError mentioning both', async () => {
    const cdn = recordingPurger({
      respond: () => Promise.reject(new PurgeError('down', { cdn: 'recording', retryable: false })),
    });
    const store = faultyStore(memoryStore(), { reject: ['invalidateTags'] });
    const cache = createCache({ store, cdn, cdnRetry: noRetry });
    const error = await cache.invalidate({ tags: ['t'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('cdn "recording" did not acknowledge');
    expect((error as Error).cause).toBeInstanceOf(PurgeError);
    expect(cdn.calls).toHaveLength(1);
  });
});

describe('the automatic invalidation after an unsafe request', () => {
  it('purges the public URL (scheme, host, path, query) and same-origin Location from the CDN', async () => {
    const cdn = recordingPurger();
    const { cache } = setupCache({ cdn });
    const request = { ...makeRequest('/p/1?v=2', { method: 'POST', host: 'shop.example' }), scheme: 'https' };
    const answer = await cache.handle(
      request,
      definePolicy({ sMaxAge: 60 }),
      fakeOrigin(() => textResponse('ok', 201, { location: '/p/1/reviews/9' })),
    );
    expect(answer.status).toBe(201);
    await settle();
    expect(cdn.calls).toEqual([
      {
        kind: 'urls',
        items: ['https://shop.example/p/1?v=2', 'https://shop.example/p/1/reviews/9'],
        soft: false,
      },
    ]);
  });

  it('never fails the request when the CDN fails: counted and logged', async () => {
    const errors: unknown[] = [];
    const cdn = recordingPurger({ respond: () => Promise.reject(new Error('network down')) });
    const { cache } = setupCache({
      cdn,
      cdnRetry: noRetry,
      logger: { warn() {}, error: (message) => errors.push(message) },
    });
    const answer = await cache.handle(
      makeRequest('/p/1', { method: 'DELETE' }),
      definePolicy({}),
      fakeOrigin(),
    );
    expect(answer.status).toBe(200);
    await settle();
    expect(cache.stats().cdn?.recording).toMatchObject({ failed: 1, urls: 0 });
    expect(errors).toEqual(['routecache: cdn purge given up']);
    await cache.close();
  });

  it('does not purge after a failed unsafe request', async () => {
    const cdn = recordingPurger();
    const { cache } = setupCache({ cdn });
    await cache.handle(
      makeRequest('/p/1', { method: 'PUT' }),
      definePolicy({}),
      fakeOrigin(() => textResponse('no', 409)),
    );
    await settle();
    expect(cdn.calls).toEqual([]);
  });
});

describe('headers in the CDN dialect', () => {
  const policy = definePolicy({ sMaxAge: 60, cdnMaxAge: 600, tags: ['a', 'b'] });

  async function headersWith(options: Parameters<typeof setupCache>[0]) {
    const { cache } = setupCache(options);
    return (await cache.handle(makeRequest('/x'), policy, fakeOrigin())) as Parameters<typeof header>[0];
  }

  it('emits the tag header and targeted field each purger declares', async () => {
    const fastly = await headersWith({
      cdn: recordingPurger({ tagHeader: 'surrogate-key', targetedCacheControl: 'surrogate-control' }),
    });
    expect(header(fastly, 'surrogate-key')).toBe('a b');
    expect(header(fastly, 'surrogate-control')).toBe('max-age=600');
    expect(header(fastly, 'cdn-cache-control')).toBeUndefined();

    const cloudflare = await headersWith({
      cdn: recordingPurger({ tagHeader: 'cache-tag', targetedCacheControl: 'cdn-cache-control' }),
    });
    expect(header(cloudflare, 'cache-tag')).toBe('a,b');
    expect(header(cloudflare, 'surrogate-key')).toBeUndefined();
    expect(header(cloudflare, 'cdn-cache-control')).toBe('public, max-age=600');

    const akamai = await headersWith({ cdn: recordingPurger({ tagHeader: 'edge-cache-tag' }) });
    expect(header(akamai, 'edge-cache-tag')).toBe('a,b');
  });

  it('emits every dialect when several CDNs are configured, unless tagHeader is set', async () => {
    const both = await headersWith({
      cdn: [
        recordingPurger({ name: 'f', tagHeader: 'surrogate-key', targetedCacheControl: 'surrogate-control' }),
        recordingPurger({
          name: 'a',
          tagHeader: 'edge-cache-tag',
          targetedCacheControl: 'cdn-cache-control',
        }),
      ],
    });
    expect(header(both, 'surrogate-key')).toBe('a b');
    expect(header(both, 'edge-cache-tag')).toBe('a,b');
    expect(header(both, 'surrogate-control')).toBe('max-age=600');
    expect(header(both, 'cdn-cache-control')).toBe('public, max-age=600');

    const chosen = await headersWith({
      cdn: recordingPurger({ tagHeader: 'edge-cache-tag' }),
      tagHeader: 'cache-tag',
    });
    expect(header(chosen, 'cache-tag')).toBe('a,b');
    expect(header(chosen, 'edge-cache-tag')).toBeUndefined();
  });

  it('tells a downstream cache a stale answer is stale after an expire invalidation (Age past the lifetime)', async () => {
    const { cache, clock } = setupCache({});
    const swr = definePolicy({ sMaxAge: 60, staleWhileRevalidate: 30, tags: ['t'] });
    await cache.handle(makeRequest('/s'), swr, fakeOrigin());
    clock.advance(5000);
    await cache.invalidate({ tags: ['t'], mode: 'expire' });
    clock.advance(1000);
    const stale = (await cache.handle(makeRequest('/s'), swr, fakeOrigin())) as Parameters<typeof header>[0];
    expect(header(stale, 'cache-status')).toContain('detail=stale');
    expect(Number(header(stale, 'age'))).toBe(61);
  });
});

describe('cdn options', () => {
  it.each([
    ['cdn', { cdn: 'fastly' }],
    ['cdn.name', { cdn: { ...recordingPurger(), name: '' } }],
    ['cdn[1].name', { cdn: [recordingPurger(), recordingPurger()] }],
    ['cdn.limits.tags', { cdn: { ...recordingPurger(), limits: { tags: 0, urls: 1 } } }],
    ['cdn.tagHeader', { cdn: { ...recordingPurger(), tagHeader: 'x-tags' } }],
    ['cdnRetry.within', { cdnRetry: { within: -1 } }],
    ['cdnRetry.backoffMs', { cdnRetry: { backoffMs: 0 } }],
    ['cdnRetry.attempts', { cdnRetry: { attempts: 3 } }],
    ['tagHeader', { tagHeader: ['surrogate-key', 'x'] }],
    ['targetedCacheControl', { targetedCacheControl: 'edge-control' }],
  ])('throws a PolicyError naming %s', (field, options) => {
    expect(() => createCache(options as never)).toThrow(PolicyError);
    try {
      createCache(options as never);
    } catch (error) {
      expect((error as PolicyError).field).toBe(field);
    }
  });
});
