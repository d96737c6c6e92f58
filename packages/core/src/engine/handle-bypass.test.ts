import { describe, expect, it } from 'vitest';
import { definePolicy } from '../policy/policy';
import { bodyText, fakeOrigin, header, makeRequest, setupCache, textResponse } from './test-fixtures';

const publicPolicy = definePolicy({ maxAge: 60, sMaxAge: 300, tags: ['products'] });

describe('handle: bypass', () => {
  describe('when the request carries Authorization', () => {
    it('never serves or stores the shared entry', async () => {
      const { cache } = setupCache();
      await cache.handle(
        makeRequest('/p'),
        publicPolicy,
        fakeOrigin(() => textResponse('public')),
      );
      const origin = fakeOrigin(() => textResponse('for alice'));
      const auth = { headers: { authorization: 'Bearer alice' } };
      const first = await cache.handle(makeRequest('/p', auth), publicPolicy, origin);
      const second = await cache.handle(makeRequest('/p', auth), publicPolicy, origin);
      expect(origin.calls).toHaveLength(2);
      expect(bodyText(first)).toBe('for alice');
      expect(bodyText(second)).toBe('for alice');
      expect(header(first, 'cache-status')).toBe('routecache; fwd=request; detail=authorization');
      // The public entry was not replaced by the authenticated answer.
      expect(bodyText(await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin()))).toBe('public');
      expect(cache.stats().bypass).toBe(2);
    });

    it('answers with private headers so no shared cache downstream keeps it', async () => {
      const { cache } = setupCache();
      const answer = await cache.handle(
        makeRequest('/p', { headers: { authorization: 'Basic x' } }),
        publicPolicy,
        fakeOrigin(),
      );
      expect(header(answer, 'cache-control')).toBe('private, max-age=60');
      expect(header(answer, 'surrogate-key')).toBeUndefined();
    });

    it('uses the shared entry with shareAuthenticated', async () => {
      const { cache } = setupCache();
      const shared = definePolicy({ maxAge: 60, shareAuthenticated: true });
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p', { headers: { authorization: 'Bearer a' } }), shared, origin);
      const second = await cache.handle(
        makeRequest('/p', { headers: { authorization: 'Bearer b' } }),
        shared,
        origin,
      );
      expect(origin.calls).toHaveLength(1);
      expect(header(second, 'cache-status')).toMatch(/hit/);
    });

    it('still caches a private route per identity', async () => {
      const { cache } = setupCache();
      const policy = definePolicy({
        scope: 'private',
        maxAge: 60,
        identify: (req) => req.headers('authorization'),
      });
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/me', { headers: { authorization: 'Bearer a' } }), policy, origin);
      await cache.handle(makeRequest('/me', { headers: { authorization: 'Bearer a' } }), policy, origin);
      expect(origin.calls).toHaveLength(1);
    });
  });

  it('bypasses a GET with a body: never served another body entry', async () => {
    const { cache } = setupCache();
    await cache.handle(
      makeRequest('/search'),
      publicPolicy,
      fakeOrigin(() => textResponse('no body')),
    );
    const origin = fakeOrigin(() => textResponse('body-specific'));
    const answer = await cache.handle(makeRequest('/search', { hasBody: true }), publicPolicy, origin);
    expect(origin.calls).toHaveLength(1);
    expect(bodyText(answer)).toBe('body-specific');
    expect(header(answer, 'cache-status')).toBe('routecache; fwd=request; detail=request-body');
    expect(bodyText(await cache.handle(makeRequest('/search'), publicPolicy, fakeOrigin()))).toBe('no body');
  });

  it('bypasses a no-store policy and sends no-store', async () => {
    const { cache } = setupCache();
    const noStore = definePolicy({ scope: 'no-store' });
    const origin = fakeOrigin();
    const answer = await cache.handle(makeRequest('/p'), noStore, origin);
    await cache.handle(makeRequest('/p'), noStore, origin);
    expect(origin.calls).toHaveLength(2);
    expect(header(answer, 'cache-control')).toBe('no-store');
    expect(header(answer, 'cache-status')).toBe('routecache; fwd=bypass; detail=no-store');
    expect(header(answer, 'etag')).toBeUndefined();
  });

  it('sends headers only with ttl 0, with an ETag and 304s', async () => {
    const { cache } = setupCache();
    const headersOnly = definePolicy({ maxAge: 60, ttl: 0 });
    const origin = fakeOrigin(() => textResponse('same'));
    const answer = await cache.handle(makeRequest('/p'), headersOnly, origin);
    expect(header(answer, 'cache-control')).toBe('public, max-age=60');
    expect(header(answer, 'cache-status')).toBe('routecache; fwd=bypass; detail=headers-only');
    const etag = header(answer, 'etag')!;
    const revalidated = await cache.handle(
      makeRequest('/p', { headers: { 'if-none-match': etag } }),
      headersOnly,
      origin,
    );
    expect(revalidated.status).toBe(304);
    expect(origin.calls).toHaveLength(2);
    expect(cache.stats().stored).toBe(0);
  });

  it('counts bypasses per route', async () => {
    const { cache } = setupCache();
    await cache.handle(
      makeRequest('/p', { routeLabel: 'GET /p', hasBody: true }),
      publicPolicy,
      fakeOrigin(),
    );
    expect(cache.stats().routes['GET /p']?.bypass).toBe(1);
  });
});

describe('handle: unsafe methods', () => {
  it('run the origin untouched with the unfiltered URL and add no headers', async () => {
    const { cache } = setupCache();
    const origin = fakeOrigin(() => textResponse('created', 201, { location: '/p/1' }));
    const answer = await cache.handle(
      makeRequest('/p?utm_source=x', { method: 'POST' }),
      publicPolicy,
      origin,
    );
    expect(origin.calls[0]?.url).toBe('/p?utm_source=x');
    expect(answer.status).toBe(201);
    expect(answer.headers).toEqual({ 'content-type': 'text/plain', location: '/p/1' });
    expect(origin.calls[0]?.finalizeHeaders(201, { a: 'b' })).toEqual({ a: 'b' });
  });

  it('invalidate every stored variant of the URL after a 2xx (RFC 9111 §4.4)', async () => {
    const { cache } = setupCache();
    const policy = definePolicy({ maxAge: 60, vary: ['accept-language'] });
    await cache.handle(makeRequest('/p?page=1'), policy, fakeOrigin());
    await cache.handle(
      makeRequest('/p?page=2', { headers: { 'accept-language': 'fr' } }),
      policy,
      fakeOrigin(),
    );
    await cache.handle(makeRequest('/other'), policy, fakeOrigin());
    await cache.handle(
      makeRequest('/p', { method: 'DELETE' }),
      policy,
      fakeOrigin(() => textResponse('', 204)),
    );
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p?page=1'), policy, origin);
    await cache.handle(makeRequest('/p?page=2', { headers: { 'accept-language': 'fr' } }), policy, origin);
    expect(origin.calls).toHaveLength(2);
    await cache.handle(makeRequest('/other'), policy, origin);
    expect(origin.calls).toHaveLength(2);
  });

  it('leave the entries alone for safe methods such as OPTIONS (RFC 9110 §9.2.1)', async () => {
    const { cache } = setupCache();
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p'), publicPolicy, origin);
    await cache.handle(
      makeRequest('/p', { method: 'OPTIONS' }),
      publicPolicy,
      fakeOrigin(() => textResponse('', 204)),
    );
    await cache.handle(makeRequest('/p'), publicPolicy, origin);
    expect(origin.calls).toHaveLength(1);
  });

  it('also invalidate same-origin Location and Content-Location, not other hosts', async () => {
    const { cache } = setupCache();
    for (const url of ['/items/1', '/items/2', '/items/3'])
      await cache.handle(makeRequest(url), publicPolicy, fakeOrigin());
    const post = fakeOrigin(() =>
      textResponse('ok', 303, { location: 'http://example.com/items/1', 'content-location': '/items/2' }),
    );
    await cache.handle(makeRequest('/items', { method: 'POST' }), publicPolicy, post);
    const other = fakeOrigin(() => textResponse('ok', 201, { location: 'http://evil.example/items/3' }));
    await cache.handle(makeRequest('/items', { method: 'POST' }), publicPolicy, other);
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/items/1'), publicPolicy, origin);
    await cache.handle(makeRequest('/items/2'), publicPolicy, origin);
    expect(origin.calls).toHaveLength(2);
    await cache.handle(makeRequest('/items/3'), publicPolicy, origin);
    expect(origin.calls).toHaveLength(2);
  });

  it('leave the entries alone after an error answer', async () => {
    const { cache } = setupCache();
    await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
    await cache.handle(
      makeRequest('/p', { method: 'PUT' }),
      publicPolicy,
      fakeOrigin(() => textResponse('no', 409)),
    );
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p'), publicPolicy, origin);
    expect(origin.calls).toHaveLength(0);
  });

  it('keep other hosts entries for the same path', async () => {
    const { cache } = setupCache();
    await cache.handle(makeRequest('/p', { host: 'a.example' }), publicPolicy, fakeOrigin());
    await cache.handle(makeRequest('/p', { host: 'b.example', method: 'POST' }), publicPolicy, fakeOrigin());
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/p', { host: 'a.example' }), publicPolicy, origin);
    expect(origin.calls).toHaveLength(0);
  });

  it('rethrow the origin error', async () => {
    const { cache } = setupCache();
    const failing = fakeOrigin(() => {
      throw new Error('nope');
    });
    await expect(cache.handle(makeRequest('/p', { method: 'POST' }), publicPolicy, failing)).rejects.toThrow(
      'nope',
    );
  });
});
