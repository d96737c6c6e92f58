import { beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../engine/create-cache';
import { PolicyError } from '../errors';
import { type FakeCdnApi, useFakeCdnApi } from './fake-cdn-api';
import { FASTLY_MAX_KEYS_PER_CALL, fastlyPurger } from './fastly';
import { purgerFaultSuite } from './purger-fault-suite';

const options = { serviceId: 'SU1Z0isxPaozGVKXdv0eY', apiToken: 'token-123' };

describe('fastlyPurger', () => {
  const fake = useFakeCdnApi({ status: 200, body: '{"status":"ok"}' });
  let api: FakeCdnApi;
  beforeEach(() => {
    api = fake();
  });
  const signal = new AbortController().signal;

  it('purges surrogate keys in one batch call with Fastly-Key and a JSON body', async () => {
    await fastlyPurger({ ...options, endpoint: api.url }).purgeTags(['product:1', 'products'], {
      soft: false,
      signal,
    });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/service/SU1Z0isxPaozGVKXdv0eY/purge' });
    expect(request?.headers['fastly-key']).toBe('token-123');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['fastly-soft-purge']).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({ surrogate_keys: ['product:1', 'products'] });
  });

  it('sends Fastly-Soft-Purge: 1 for a soft purge', async () => {
    await fastlyPurger({ ...options, endpoint: api.url }).purgeTags(['a'], { soft: true, signal });
    expect(api.requests[0]?.headers['fastly-soft-purge']).toBe('1');
  });

  it('purges a URL as POST /purge/<host><path?query>', async () => {
    await fastlyPurger({ ...options, endpoint: api.url }).purgeUrls(
      ['https://www.example.com/p/1?color=red'],
      {
        soft: true,
        signal,
      },
    );
    expect(api.requests[0]).toMatchObject({ method: 'POST', url: '/purge/www.example.com/p/1?color=red' });
    expect(api.requests[0]?.headers['fastly-soft-purge']).toBe('1');
    expect(api.requests[0]?.headers['fastly-key']).toBe('token-123');
  });

  it('through invalidate(): 300 keys go in calls of 256, a 503 is retried, soft purge for expire', async () => {
    api.respond((_request, n) => (n === 1 ? { status: 503 } : { status: 200, body: '{}' }));
    const cache = createCache({
      cdn: fastlyPurger({ ...options, endpoint: api.url }),
      cdnRetry: { backoffMs: 1 },
    });
    const tags = Array.from({ length: 300 }, (_, i) => `k${i}`);
    await cache.invalidate({ tags, mode: 'expire' });
    const keys = api.requests.map((request) => JSON.parse(request.body).surrogate_keys as string[]);
    expect(keys.map((list) => list.length).sort((a, b) => a - b)).toEqual([44, 256, 256]);
    expect(new Set(keys.flat()).size).toBe(300);
    expect(api.requests.every((request) => request.headers['fastly-soft-purge'] === '1')).toBe(true);
    expect(cache.stats().cdn?.fastly).toMatchObject({ calls: 2, tags: 300, retries: 1, failed: 0 });
    expect(FASTLY_MAX_KEYS_PER_CALL).toBe(256);
  });

  it('declares the Surrogate-Key dialect and Surrogate-Control', () => {
    expect(fastlyPurger(options)).toMatchObject({
      name: 'fastly',
      tagHeader: 'surrogate-key',
      targetedCacheControl: 'surrogate-control',
      softPurge: true,
    });
  });

  it('throws a PolicyError naming a missing option', () => {
    expect(() => fastlyPurger({ ...options, apiToken: '' })).toThrow(PolicyError);
    expect(() => fastlyPurger({ ...options, serviceId: undefined as never })).toThrow('"serviceId"');
  });
});

purgerFaultSuite('fastly', (endpoint) => fastlyPurger({ ...options, endpoint }));
