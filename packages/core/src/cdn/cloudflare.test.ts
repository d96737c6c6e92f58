import { beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../engine/create-cache';
import { PurgeError } from '../errors';
import { cloudflarePurger } from './cloudflare';
import { type FakeCdnApi, useFakeCdnApi } from './fake-cdn-api';
import { purgerFaultSuite } from './purger-fault-suite';

const options = { zoneId: '023e105f4ecef8ad9ca31a8372d0c353', apiToken: 'cf-token' };
const ok = { status: 200, body: '{"success":true,"errors":[],"messages":[],"result":{"id":"x"}}' };

describe('cloudflarePurger', () => {
  const fake = useFakeCdnApi(ok);
  let api: FakeCdnApi;
  beforeEach(() => {
    api = fake();
  });
  const signal = new AbortController().signal;

  it('purges tags with POST /zones/<zone>/purge_cache, a Bearer token and { tags }', async () => {
    await cloudflarePurger({ ...options, endpoint: api.url }).purgeTags(['a', 'b'], { soft: false, signal });
    const [request] = api.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache',
    });
    expect(request?.headers.authorization).toBe('Bearer cf-token');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ tags: ['a', 'b'] });
  });

  it('purges URLs as { files }', async () => {
    await cloudflarePurger({ ...options, endpoint: api.url }).purgeUrls(['https://shop.example/p/1?x=1'], {
      soft: false,
      signal,
    });
    expect(JSON.parse(api.requests[0]?.body ?? '')).toEqual({ files: ['https://shop.example/p/1?x=1'] });
  });

  it('rejects a 200 whose envelope does not say success', async () => {
    api.respond(() => ({ status: 200, body: '{"success":false,"errors":[{"code":1134,"message":"bad"}]}' }));
    const error = await cloudflarePurger({ ...options, endpoint: api.url })
      .purgeTags(['a'], { soft: false, signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PurgeError);
    expect(error).toMatchObject({ cdn: 'cloudflare', retryable: false });
  });

  it('through invalidate(): 31 tags and 31 URLs go in calls of 30, and a 429 waits for Retry-After', async () => {
    api.respond((_request, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : ok));
    const cache = createCache({ cdn: cloudflarePurger({ ...options, endpoint: api.url }) });
    const tags = Array.from({ length: 31 }, (_, i) => `t${i}`);
    const urls = Array.from({ length: 31 }, (_, i) => `https://shop.example/p/${i}`);
    await cache.invalidate({ tags, urls, mode: 'expire' });
    const bodies = api.requests.map(
      (request) => JSON.parse(request.body) as { tags?: string[]; files?: string[] },
    );
    const sizes = (key: 'tags' | 'files') =>
      bodies.flatMap((body) => (body[key] ? [body[key].length] : [])).sort((a, b) => a - b);
    // One of the four calls was answered 429 and sent again.
    expect(api.requests).toHaveLength(5);
    expect(new Set(bodies.flatMap((body) => body.tags ?? [])).size).toBe(31);
    expect(new Set(bodies.flatMap((body) => body.files ?? [])).size).toBe(31);
    expect(Math.max(...sizes('tags'), ...sizes('files'))).toBe(30);
    expect(cache.stats().cdn?.cloudflare).toMatchObject({ calls: 4, tags: 31, urls: 31, retries: 1 });
  });

  it('honours a larger per-call limit (Enterprise)', () => {
    expect(cloudflarePurger({ ...options, perCall: { urls: 500 } }).limits).toEqual({ tags: 30, urls: 500 });
  });

  it('declares the Cache-Tag dialect, CDN-Cache-Control and no soft purge', () => {
    expect(cloudflarePurger(options)).toMatchObject({
      tagHeader: 'cache-tag',
      targetedCacheControl: 'cdn-cache-control',
      softPurge: false,
    });
  });
});

purgerFaultSuite('cloudflare', (endpoint) => cloudflarePurger({ ...options, endpoint }));
