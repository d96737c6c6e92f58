import { describe, expect, it, vi } from 'vitest';
import { buildCacheKey } from '../http/key';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import type { CacheEntry, ResponseHeaders, Store } from '../types';
import { bodyText, fakeOrigin, header, makeRequest, setupCache, textResponse } from './test-fixtures';

const publicPolicy = definePolicy({ maxAge: 60, tags: ['products'] });

describe('handle', () => {
  describe('on a miss then a hit', () => {
    it('runs the origin once, stores, and answers the second request from the cache', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin();
      const first = await cache.handle(makeRequest('/p'), publicPolicy, origin);
      const second = await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(1);
      expect(first.status).toBe(200);
      expect(bodyText(first)).toBe('body 1');
      expect(bodyText(second)).toBe('body 1');
      expect(first.sent).toBe(false);
    });

    it('marks the miss with Cache-Status fwd=miss; stored and Age 0', async () => {
      const { cache } = setupCache();
      const answer = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      expect(header(answer, 'cache-status')).toBe('routecache; fwd=miss; ttl=60; stored');
      expect(header(answer, 'age')).toBe('0');
    });

    it('marks the hit with Cache-Status hit and the remaining ttl, and Age in seconds', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      clock.advance(18_000);
      const hit = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      expect(header(hit, 'cache-status')).toBe('routecache; hit; ttl=42');
      expect(header(hit, 'age')).toBe('18');
    });

    it('counts the hit ttl down as the clock moves, for each cache name on its own', async () => {
      const one = setupCache();
      const two = setupCache({ cacheStatus: 'edge-1' });
      await one.cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      await two.cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      const ttls: (string | undefined)[] = [];
      for (const step of [0, 0, 1_000, 0, 58_999]) {
        one.clock.advance(step);
        two.clock.advance(step);
        ttls.push(
          header(await one.cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin()), 'cache-status'),
        );
        ttls.push(
          header(await two.cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin()), 'cache-status'),
        );
      }
      expect(ttls).toEqual([
        ...['routecache; hit; ttl=60', 'edge-1; hit; ttl=60'],
        ...['routecache; hit; ttl=60', 'edge-1; hit; ttl=60'],
        ...['routecache; hit; ttl=59', 'edge-1; hit; ttl=59'],
        ...['routecache; hit; ttl=59', 'edge-1; hit; ttl=59'],
        ...['routecache; hit; ttl=1', 'edge-1; hit; ttl=1'],
      ]);
    });

    it('reuses a fresh hit answer, frozen, while its Age and Cache-Status stay the same, and no longer', async () => {
      const { cache, clock } = setupCache();
      await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      const etag = header(await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin()), 'etag')!;
      const conditional = () => makeRequest('/p', { headers: { 'if-none-match': etag } });
      const first = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      const revalidated = await cache.handle(conditional(), publicPolicy, fakeOrigin());
      const again = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      const head = await cache.handle(makeRequest('/p', { method: 'HEAD' }), publicPolicy, fakeOrigin());
      expect(again).toBe(first);
      expect(Object.isFrozen(first) && Object.isFrozen(first.headers)).toBe(true);
      // 200 and 304 are kept apart, and HEAD gets its own answer (no body, Content-Length).
      expect(revalidated.status).toBe(304);
      expect(await cache.handle(conditional(), publicPolicy, fakeOrigin())).toBe(revalidated);
      expect(head).not.toBe(first);
      expect(head.body).toBeNull();
      expect(first.body).not.toBeNull();
      clock.advance(1_000);
      const later = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      expect(later).not.toBe(first);
      expect(header(later, 'age')).toBe('1');
      expect(header(later, 'cache-status')).toBe('routecache; hit; ttl=59');
      expect(header(first, 'age')).toBe('0');
    });

    it('builds every answer afresh from a store without peek (an entry decoded per read)', async () => {
      const memory = memoryStore();
      const store: Store = { ...memory, peek: undefined };
      const { cache } = setupCache({ store });
      await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      const first = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      const second = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      expect(header(first, 'cache-status')).toMatch(/^routecache; hit/);
      expect(second).not.toBe(first);
      expect(Object.isFrozen(second)).toBe(false);
    });

    it('hands the origin the request object it was given', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin();
      const request = makeRequest('/p');
      await cache.handle(request, publicPolicy, origin);
      await cache.handle(makeRequest('/u', { method: 'POST' }), publicPolicy, origin);
      expect(origin.calls[0]!.request).toBe(request);
      expect(origin.calls[1]!.request.url).toBe('/u');
    });

    it('sends the policy headers, tags and ETag on the miss and on the hit', async () => {
      const { cache } = setupCache();
      const miss = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      const hit = await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      for (const answer of [miss, hit]) {
        expect(header(answer, 'cache-control')).toBe('public, max-age=60');
        expect(header(answer, 'surrogate-key')).toBe('products');
        expect(header(answer, 'etag')).toMatch(/^W\/"6-[\w-]{27}"$/);
        expect(header(answer, 'content-type')).toBe('text/plain');
      }
      expect(header(hit, 'etag')).toBe(header(miss, 'etag'));
    });

    it('uses the cache name and tag header from the options, or no Cache-Status at all', async () => {
      const named = setupCache({ cacheStatus: 'edge-1', tagHeader: 'cache-tag' });
      const answer = await named.cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      expect(header(answer, 'cache-status')).toMatch(/^edge-1; fwd=miss/);
      expect(header(answer, 'cache-tag')).toBe('products');
      expect(header(answer, 'surrogate-key')).toBeUndefined();
      const off = setupCache({ cacheStatus: false });
      expect(
        header(await off.cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin()), 'cache-status'),
      ).toBeUndefined();
    });

    it('keeps the ETag the handler set and computes none with etag: false', async () => {
      const { cache } = setupCache();
      const own = fakeOrigin(() => textResponse('x', 200, { etag: '"v1"' }));
      expect(header(await cache.handle(makeRequest('/own'), publicPolicy, own), 'etag')).toBe('"v1"');
      const none = definePolicy({ maxAge: 60, etag: false });
      const answer = await cache.handle(
        makeRequest('/none'),
        none,
        fakeOrigin(() => textResponse('x', 200, { etag: '"v1"' })),
      );
      expect(header(answer, 'etag')).toBeUndefined();
    });

    it('computes a strong ETag when the policy asks for one', async () => {
      const { cache } = setupCache();
      const strong = definePolicy({ maxAge: 60, etag: 'strong' });
      expect(header(await cache.handle(makeRequest('/s'), strong, fakeOrigin()), 'etag')).toMatch(/^"6-/);
    });

    it('misses again once the entry expired', async () => {
      const { cache, clock } = setupCache();
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p'), publicPolicy, origin);
      clock.advance(60_000);
      const answer = await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(2);
      expect(bodyText(answer)).toBe('body 2');
    });

    it('stores for ttl, not maxAge, when the policy sets a server ttl', async () => {
      const { cache, clock } = setupCache();
      const origin = fakeOrigin();
      const policy = definePolicy({ maxAge: 10, ttl: 300 });
      await cache.handle(makeRequest('/p'), policy, origin);
      clock.advance(200_000);
      const hit = await cache.handle(makeRequest('/p'), policy, origin);
      expect(origin.calls).toHaveLength(1);
      expect(header(hit, 'cache-status')).toBe('routecache; hit; ttl=100');
      expect(header(hit, 'cache-control')).toBe('public, max-age=10');
    });
  });

  describe('keys', () => {
    it('keeps different hosts apart', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin((_ctx, n) => textResponse(`body ${n}`));
      const a = await cache.handle(makeRequest('/p', { host: 'a.example' }), publicPolicy, origin);
      const b = await cache.handle(makeRequest('/p', { host: 'b.example' }), publicPolicy, origin);
      expect(origin.calls).toHaveLength(2);
      expect(bodyText(a)).toBe('body 1');
      expect(bodyText(b)).toBe('body 2');
    });

    it('keeps HTTPS and plain HTTP apart, and invalidates both by URL', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin((_ctx, n) => textResponse(`body ${n}`));
      const https = { ...makeRequest('/p'), scheme: 'https' };
      expect(bodyText(await cache.handle(makeRequest('/p'), publicPolicy, origin))).toBe('body 1');
      expect(bodyText(await cache.handle(https, publicPolicy, origin))).toBe('body 2');
      expect(bodyText(await cache.handle(https, publicPolicy, origin))).toBe('body 2');
      expect(bodyText(await cache.handle(makeRequest('/p'), publicPolicy, origin))).toBe('body 1');
      await cache.handle(makeRequest('/p', { method: 'POST' }), publicPolicy, origin);
      expect(bodyText(await cache.handle(makeRequest('/p'), publicPolicy, origin))).toBe('body 4');
      expect(bodyText(await cache.handle(https, publicPolicy, origin))).toBe('body 5');
    });

    it('keeps different paths and query values apart, ignores query order', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p?a=1&b=2'), publicPolicy, origin);
      await cache.handle(makeRequest('/p?b=2&a=1'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(1);
      await cache.handle(makeRequest('/p?a=2&b=2'), publicPolicy, origin);
      await cache.handle(makeRequest('/q?a=1&b=2'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(3);
    });

    it('drops tracking parameters from the key and from the URL the origin sees', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p?utm_source=x&id=1&fbclid=y'), publicPolicy, origin);
      await cache.handle(makeRequest('/p?id=1'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(1);
      expect(origin.calls[0]?.url).toBe('/p?id=1');
    });

    it('filters the same URL by each policy own query rules', async () => {
      const { cache } = setupCache();
      const onlyId = definePolicy({ maxAge: 60, query: { include: ['id'] } });
      const all = definePolicy({ maxAge: 60, query: { exclude: [] } });
      const origin = fakeOrigin();
      for (const policy of [onlyId, all, onlyId])
        await cache.handle(makeRequest('/p?id=1&page=2'), policy, origin);
      // The third request is a hit on the first one's entry.
      expect(origin.calls.map((call) => call.url)).toEqual(['/p?id=1', '/p?id=1&page=2']);
    });

    it('keys by the policy vary headers', async () => {
      const { cache } = setupCache();
      const policy = definePolicy({ maxAge: 60, vary: ['accept-language'] });
      const origin = fakeOrigin((_ctx, n) => textResponse(`body ${n}`));
      const en = await cache.handle(
        makeRequest('/p', { headers: { 'accept-language': 'en' } }),
        policy,
        origin,
      );
      const fr = await cache.handle(
        makeRequest('/p', { headers: { 'accept-language': 'fr' } }),
        policy,
        origin,
      );
      const en2 = await cache.handle(
        makeRequest('/p', { headers: { 'accept-language': 'en' } }),
        policy,
        origin,
      );
      expect(origin.calls).toHaveLength(2);
      expect(bodyText(en)).toBe('body 1');
      expect(bodyText(fr)).toBe('body 2');
      expect(bodyText(en2)).toBe('body 1');
      expect(header(en, 'vary')).toBe('accept-language');
    });

    it('keys the override and forwarding headers a request carries, so their values never reach another request', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin();
      const headers = (extra: Record<string, string>) => makeRequest('/p', { headers: extra });
      await cache.handle(headers({ 'x-forwarded-host': 'evil.example' }), publicPolicy, origin);
      await cache.handle(headers({ 'x-original-url': '/admin' }), publicPolicy, origin);
      await cache.handle(headers({ forwarded: 'for=192.0.2.1;host=evil.example' }), publicPolicy, origin);
      const clean = await cache.handle(headers({}), publicPolicy, origin);
      expect(bodyText(clean)).toBe('body 4');
      expect(origin.calls).toHaveLength(4);
      // The attacker's own variant is still shared with equal (normalised) values.
      const again = await cache.handle(
        headers({ 'x-forwarded-host': ' EVIL.example ' }),
        publicPolicy,
        origin,
      );
      expect(bodyText(again)).toBe('body 1');
      // What names the client (X-Forwarded-For, Forwarded's for/by) is not keyed: sharing goes on.
      const client = await cache.handle(
        headers({ 'x-forwarded-for': '198.51.100.7', forwarded: 'for=198.51.100.7;by=203.0.113.1' }),
        publicPolicy,
        origin,
      );
      expect(bodyText(client)).toBe('body 4');
      expect(origin.calls).toHaveLength(4);
    });

    it('keys only the headers of the keyHeaders option when it is given', async () => {
      const { cache } = setupCache({ keyHeaders: ['x-tenant'] });
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p', { headers: { 'x-tenant': 'a' } }), publicPolicy, origin);
      const other = await cache.handle(
        makeRequest('/p', { headers: { 'x-tenant': 'b' } }),
        publicPolicy,
        origin,
      );
      expect(bodyText(other)).toBe('body 2');
      const forwarded = await cache.handle(
        makeRequest('/p', { headers: { 'x-tenant': 'a', 'x-forwarded-host': 'evil.example' } }),
        publicPolicy,
        origin,
      );
      expect(bodyText(forwarded)).toBe('body 1');
    });

    it('keys the requested URL too when a rewrite before the cache routed another one', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/b', { requestedUrl: '/a' }), publicPolicy, origin);
      expect(bodyText(await cache.handle(makeRequest('/b'), publicPolicy, origin))).toBe('body 2');
      expect(
        bodyText(await cache.handle(makeRequest('/b', { requestedUrl: '/a' }), publicPolicy, origin)),
      ).toBe('body 1');
    });

    it('keys private entries by identity and stores nothing without one', async () => {
      const { cache } = setupCache();
      const policy = definePolicy({ scope: 'private', maxAge: 60, identify: (req) => req.headers('x-user') });
      const origin = fakeOrigin((_ctx, n) => textResponse(`body ${n}`));
      const alice = await cache.handle(
        makeRequest('/me', { headers: { 'x-user': 'alice' } }),
        policy,
        origin,
      );
      const bob = await cache.handle(makeRequest('/me', { headers: { 'x-user': 'bob' } }), policy, origin);
      const alice2 = await cache.handle(
        makeRequest('/me', { headers: { 'x-user': 'alice' } }),
        policy,
        origin,
      );
      expect(bodyText(alice)).toBe('body 1');
      expect(bodyText(bob)).toBe('body 2');
      expect(bodyText(alice2)).toBe('body 1');
      const anonymous1 = await cache.handle(makeRequest('/me'), policy, origin);
      const anonymous2 = await cache.handle(makeRequest('/me'), policy, origin);
      expect(bodyText(anonymous1)).toBe('body 3');
      expect(bodyText(anonymous2)).toBe('body 4');
      expect(header(anonymous1, 'cache-status')).toBe('routecache; fwd=bypass; detail=no-identity');
      expect(header(anonymous1, 'cache-control')).toBe('private, max-age=60');
    });

    it('uses request-dependent tags from a tags function', async () => {
      const { cache } = setupCache();
      const policy = definePolicy({
        maxAge: 60,
        tags: (req) => ['products', `product:${req.query.get('id')}`],
      });
      const answer = await cache.handle(makeRequest('/p?id=7'), policy, fakeOrigin());
      expect(header(answer, 'surrogate-key')).toBe('products product:7');
      const origin = fakeOrigin();
      await cache.invalidate({ tags: ['product:7'] });
      await cache.handle(makeRequest('/p?id=7'), policy, origin);
      expect(origin.calls).toHaveLength(1);
    });

    it('stores no tags from a tags function that throws, and still answers', async () => {
      const { cache } = setupCache();
      const policy = definePolicy({
        maxAge: 60,
        tags: () => {
          throw new Error('bug');
        },
      });
      const answer = await cache.handle(makeRequest('/p'), policy, fakeOrigin());
      expect(answer.status).toBe(200);
      expect(header(answer, 'surrogate-key')).toBeUndefined();
    });
  });

  describe('HEAD', () => {
    it('is answered from the GET entry without a body', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p'), publicPolicy, origin);
      const head = await cache.handle(makeRequest('/p', { method: 'HEAD' }), publicPolicy, origin);
      expect(origin.calls).toHaveLength(1);
      expect(head.status).toBe(200);
      expect(head.body).toBeNull();
      expect(header(head, 'cache-status')).toMatch(/^routecache; hit/);
      expect(header(head, 'etag')).toBeDefined();
    });

    it('runs the origin on a miss and never stores its (empty) answer as the GET entry', async () => {
      const { cache } = setupCache();
      const headOrigin = fakeOrigin(() => ({ status: 200, headers: {}, body: new Uint8Array(0) }));
      const head = await cache.handle(makeRequest('/p', { method: 'HEAD' }), publicPolicy, headOrigin);
      expect(headOrigin.calls).toHaveLength(1);
      expect(header(head, 'cache-status')).toBe('routecache; fwd=miss');
      expect(header(head, 'etag')).toBeUndefined();
      const getOrigin = fakeOrigin();
      const get = await cache.handle(makeRequest('/p'), publicPolicy, getOrigin);
      expect(getOrigin.calls).toHaveLength(1);
      expect(bodyText(get)).toBe('body 1');
      expect(cache.stats().stored).toBe(1);
    });

    it('gives a HEAD miss the ETag and Content-Length of the GET when the origin hands over its body (RFC 9110 §9.3.2)', async () => {
      const { cache } = setupCache();
      const same = fakeOrigin(() => textResponse('same bytes'));
      const headMiss = await cache.handle(makeRequest('/p', { method: 'HEAD' }), publicPolicy, same);
      const getMiss = await cache.handle(makeRequest('/p'), publicPolicy, same);
      const headHit = await cache.handle(makeRequest('/p', { method: 'HEAD' }), publicPolicy, same);
      expect(header(headMiss, 'cache-status')).toBe('routecache; fwd=miss');
      expect(headMiss.body).toBeNull();
      expect(header(headMiss, 'etag')).toMatch(/^W\/"/);
      expect(header(headMiss, 'etag')).toBe(header(getMiss, 'etag'));
      expect(header(headHit, 'etag')).toBe(header(getMiss, 'etag'));
      expect(header(headMiss, 'content-length')).toBe('10');
    });

    it('accepts a lower-case method', async () => {
      const { cache } = setupCache();
      await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      const head = await cache.handle(makeRequest('/p', { method: 'head' }), publicPolicy, fakeOrigin());
      expect(head.body).toBeNull();
      expect(header(head, 'cache-status')).toMatch(/hit/);
    });
  });

  describe('tags computed per request', () => {
    it('encodes a tag a header cannot carry as is, the same way invalidate() does', async () => {
      const { cache } = setupCache();
      const policy = definePolicy({ maxAge: 60, tags: (req) => [`product:${req.query.get('name')}`] });
      const origin = fakeOrigin();
      const first = await cache.handle(makeRequest('/p?name=café crème'), policy, origin);
      expect(header(first, 'surrogate-key')).toBe('product:caf%C3%A9%20cr%C3%A8me');
      expect(
        header(await cache.handle(makeRequest('/p?name=café crème'), policy, origin), 'cache-status'),
      ).toMatch(/hit/);
      expect(await cache.invalidate({ tags: ['product:café crème'] })).toEqual({ keys: 1, tags: 1 });
      const after = await cache.handle(makeRequest('/p?name=café crème'), policy, origin);
      expect(bodyText(after)).toBe('body 2');
    });

    it('does not store (nor share) an answer whose tag cannot be kept, and says so once per request', async () => {
      const warn = vi.fn();
      const { cache } = setupCache({ logger: { warn, error: vi.fn() } });
      const policy = definePolicy({ maxAge: 60, tags: () => ['ok', 'x'.repeat(200)] });
      const origin = fakeOrigin();
      const answer = await cache.handle(makeRequest('/long'), policy, origin);
      expect(header(answer, 'cache-status')).toBe('routecache; fwd=bypass; detail=invalid-tag');
      expect(header(answer, 'cache-control')).toMatch(/^private/);
      await cache.handle(makeRequest('/long'), policy, origin);
      expect(origin.calls).toHaveLength(2);
      expect(warn).toHaveBeenCalledTimes(2);
    });
  });

  describe('what is never stored', () => {
    it('sends an answer to another method or URL than the keyed one privately, unstored, as a bypass', async () => {
      const { cache } = setupCache();
      const served = [
        { method: 'GET', url: '/admin' }, // a rewrite after the cache
        { method: 'HEAD', url: '/p' }, // X-HTTP-Method-Override: HEAD honoured after the cache
        { method: 'GET', url: '/p?x=1' },
      ];
      let n = 0;
      const origin = fakeOrigin(() => ({ ...textResponse(`other ${n}`), served: served[n++]! }));
      for (let i = 0; i < served.length; i++) {
        const answer = await cache.handle(makeRequest('/p', { routeLabel: 'GET /p' }), publicPolicy, origin);
        expect(header(answer, 'cache-status')).toBe('routecache; fwd=bypass; detail=rewritten');
        expect(header(answer, 'cache-control')).toMatch(/^private/);
        expect(header(answer, 'surrogate-key')).toBeUndefined();
      }
      expect(cache.stats().routes['GET /p']).toMatchObject({ bypass: 3, misses: 0, stored: 0 });
      const clean = fakeOrigin(() => ({ ...textResponse('clean'), served: { method: 'GET', url: '/p' } }));
      expect(header(await cache.handle(makeRequest('/p'), publicPolicy, clean), 'cache-status')).toMatch(
        /stored/,
      );
      expect(bodyText(await cache.handle(makeRequest('/p'), publicPolicy, clean))).toBe('clean');
    });

    it('stores what middleware before the cache set on the response nowhere, and nothing with its Set-Cookie', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin((_ctx, n) => ({
        ...textResponse(`body ${n}`),
        preset: (n === 1
          ? { 'set-cookie': ['sid=1'] }
          : { 'access-control-allow-origin': 'https://a.example' }) as ResponseHeaders,
      }));
      const first = await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(header(first, 'cache-status')).not.toMatch(/stored/);
      const second = await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(header(second, 'cache-status')).toMatch(/stored/);
      expect(header(second, 'access-control-allow-origin')).toBeUndefined(); // the adapter keeps it on its response
      const hit = await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(bodyText(hit)).toBe('body 2');
      expect(header(hit, 'access-control-allow-origin')).toBeUndefined();
    });

    it('does not store a response with Set-Cookie, and sends it as no-store', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin((_ctx, n) => textResponse(`body ${n}`, 200, { 'set-cookie': 'sid=1' }));
      const first = await cache.handle(makeRequest('/p'), publicPolicy, origin);
      await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(2);
      expect(header(first, 'cache-status')).toBe('routecache; fwd=miss');
      expect(header(first, 'cache-control')).toBe('no-store');
      expect(cache.stats().stored).toBe(0);
    });

    it('does not store a response with Vary: *', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin(() => textResponse('x', 200, { vary: '*' }));
      await cache.handle(makeRequest('/p'), publicPolicy, origin);
      await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(2);
    });

    it('stores a response varying on a header the key does not include under its variant, and keys the route by it', async () => {
      const warn = vi.fn();
      const { cache } = setupCache({ logger: { warn, error: vi.fn() } });
      const origin = fakeOrigin((_ctx, n) =>
        textResponse(`x${n}`, 200, { vary: 'Accept-Language, Origin, origin' }),
      );
      const request = (language: string, path = '/p') =>
        makeRequest(path, {
          routeLabel: 'GET /p',
          headers: { 'accept-language': language, origin: 'https://a.example' },
        });
      const first = await cache.handle(request('en'), publicPolicy, origin);
      expect(header(first, 'cache-status')).toMatch(/stored/); // under the key that names the language
      expect(bodyText(await cache.handle(request('en'), publicPolicy, origin))).toBe('x1');
      expect(bodyText(await cache.handle(request('fr'), publicPolicy, origin))).toBe('x2');
      expect(bodyText(await cache.handle(request('fr'), publicPolicy, origin))).toBe('x2');
      expect(bodyText(await cache.handle(request('en'), publicPolicy, origin))).toBe('x1');
      // Learned per route, not per URL; other routes and policies are untouched.
      expect(bodyText(await cache.handle(request('de', '/p2'), publicPolicy, origin))).toBe('x3');
      expect(bodyText(await cache.handle(request('de', '/p2'), publicPolicy, origin))).toBe('x3');
      expect(warn).not.toHaveBeenCalled();
      expect(origin.calls).toHaveLength(3);
    });

    it('runs the handler once per variant for a cold burst on a route that varies on an unkeyed header', async () => {
      const { cache } = setupCache();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const origin = fakeOrigin(async (_ctx, n) => {
        await gate;
        return textResponse(`x${n}`, 200, { vary: 'Accept-Encoding' });
      });
      const request = (encoding: string) =>
        makeRequest('/burst', { routeLabel: 'GET /burst', headers: { 'accept-encoding': encoding } });
      const encodings = Array.from({ length: 30 }, (_, i) => ['gzip', 'br', 'identity'][i % 3]!);
      const answers = encodings.map((encoding) => cache.handle(request(encoding), publicPolicy, origin));
      release();
      const bodies = (await Promise.all(answers)).map(bodyText);
      expect(origin.calls).toHaveLength(3);
      const byEncoding = new Map<string, Set<string>>();
      encodings.forEach((encoding, i) => {
        const seen = byEncoding.get(encoding) ?? new Set();
        seen.add(bodies[i]!);
        byEncoding.set(encoding, seen);
      });
      // Every request got the answer of its own variant, and each variant was run once.
      expect([...byEncoding.values()].map((seen) => seen.size)).toEqual([1, 1, 1]);
      expect(new Set(bodies).size).toBe(3);
      expect(cache.stats().coalesced).toBe(27);
    });

    it('learns at most 8 headers per route, then warns once and stores nothing', async () => {
      const warn = vi.fn();
      const { cache } = setupCache({ logger: { warn, error: vi.fn() } });
      const names = Array.from({ length: 9 }, (_, i) => `x-h${i}`);
      const origin = fakeOrigin(() => textResponse('x', 200, { vary: names.join(', ') }));
      for (let i = 0; i < 3; i++)
        await cache.handle(makeRequest('/wide', { routeLabel: 'GET /wide' }), publicPolicy, origin);
      expect(origin.calls).toHaveLength(3);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(
        /GET \/wide vary on x-h0, .*x-h8, more request headers than the cache learns/,
      );
    });

    it('does not store when the handler says no-store, no-cache or private', async () => {
      const { cache } = setupCache();
      for (const value of ['no-store', 'no-cache', 'private, max-age=5']) {
        const origin = fakeOrigin(() => textResponse('x', 200, { 'cache-control': value }));
        await cache.handle(makeRequest(`/p-${value}`), publicPolicy, origin);
        await cache.handle(makeRequest(`/p-${value}`), publicPolicy, origin);
        expect(origin.calls).toHaveLength(2);
      }
    });

    it('does not store a body larger than maxBodyBytes', async () => {
      const { cache } = setupCache({ maxBodyBytes: 5 });
      const origin = fakeOrigin(() => textResponse('123456'));
      const answer = await cache.handle(makeRequest('/p'), publicPolicy, origin);
      await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(2);
      expect(bodyText(answer)).toBe('123456');
      expect(origin.calls[0]?.maxBodyBytes).toBe(5);
    });

    it('does not store a handler 304, a 206, or an error, and sends errors as no-store', async () => {
      const { cache } = setupCache();
      for (const status of [304, 206, 500, 503, 400]) {
        const origin = fakeOrigin(() => textResponse('x', status));
        const answer = await cache.handle(makeRequest(`/s${status}`), publicPolicy, origin);
        await cache.handle(makeRequest(`/s${status}`), publicPolicy, origin);
        expect(origin.calls).toHaveLength(2);
        expect(answer.status).toBe(status);
        if (status >= 400) expect(header(answer, 'cache-control')).toBe('no-store');
      }
    });

    it('keeps 404 for negativeTtl only', async () => {
      const { cache, clock } = setupCache();
      const origin = fakeOrigin(() => textResponse('not found', 404));
      const without = definePolicy({ maxAge: 60 });
      await cache.handle(makeRequest('/a'), without, origin);
      await cache.handle(makeRequest('/a'), without, origin);
      expect(origin.calls).toHaveLength(2);

      const withNegative = definePolicy({ maxAge: 60, negativeTtl: 5 });
      const gone = fakeOrigin(() => textResponse('gone', 410));
      await cache.handle(makeRequest('/b'), withNegative, gone);
      const hit = await cache.handle(makeRequest('/b'), withNegative, gone);
      expect(gone.calls).toHaveLength(1);
      expect(hit.status).toBe(410);
      expect(header(hit, 'cache-status')).toBe('routecache; hit; ttl=5');
      clock.advance(5_000);
      await cache.handle(makeRequest('/b'), withNegative, gone);
      expect(gone.calls).toHaveLength(2);
    });

    it('passes a streamed-through response on as sent, with final headers from finalizeHeaders', async () => {
      const { cache } = setupCache();
      let finalized: Record<string, string | string[]> = {};
      const origin = fakeOrigin((ctx) => {
        finalized = ctx.finalizeHeaders(200, { 'content-type': 'text/event-stream' });
        return { status: 200, headers: finalized, body: null };
      });
      const answer = await cache.handle(makeRequest('/sse'), publicPolicy, origin);
      expect(answer.sent).toBe(true);
      expect(answer.body).toBeNull();
      expect(finalized['cache-control']).toBe('public, max-age=60');
      expect(finalized['cache-status']).toBe('routecache; fwd=miss');
      await cache.handle(makeRequest('/sse'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(2);
    });
  });

  describe('noCache policies', () => {
    it('stores the entry and serves hits while telling downstream caches no-cache', async () => {
      const { cache } = setupCache();
      const policy = definePolicy({ maxAge: 0, ttl: 60, noCache: true });
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p'), policy, origin);
      const hit = await cache.handle(makeRequest('/p'), policy, origin);
      expect(origin.calls).toHaveLength(1);
      expect(header(hit, 'cache-control')).toMatch(/no-cache/);
      const revalidation = await cache.handle(
        makeRequest('/p', { headers: { 'if-none-match': header(hit, 'etag')! } }),
        policy,
        origin,
      );
      expect(revalidation.status).toBe(304);
      expect(origin.calls).toHaveLength(1);
    });
  });

  describe('entry collisions', () => {
    it('treats an entry whose canonical key differs as a miss', async () => {
      const { cache, store } = setupCache();
      await cache.handle(makeRequest('/p'), publicPolicy, fakeOrigin());
      // Corrupt the stored entry's canonical key, as a hash collision would.
      const [key] = await findKeys(store, '/p');
      expect(key).toBeDefined();
      const entry = await store.get(key!);
      await store.set(key!, { ...entry!, key: 'something else' });
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/p'), publicPolicy, origin);
      expect(origin.calls).toHaveLength(1);
    });
  });
});

async function findKeys(store: Store, path: string): Promise<string[]> {
  const { key } = buildCacheKey({
    namespace: 'v1',
    method: 'GET',
    host: 'example.com',
    path,
    search: '',
    vary: [],
  });
  return (await store.get(key)) ? [key] : [];
}

describe('handle: stored bodies', () => {
  it('keeps a copy of a body that is a view into a larger buffer, not the whole buffer', async () => {
    const inner = memoryStore();
    const written: CacheEntry[] = [];
    const spy: Store = {
      ...inner,
      name: 'spy',
      get: (key) => inner.get(key),
      set: (key, entry, options) => {
        written.push(entry);
        return inner.set(key, entry, options);
      },
    };
    const { cache } = setupCache({ store: spy });
    const pool = new Uint8Array(8192);
    pool.set(new TextEncoder().encode('pooled body'), 100);
    const body = pool.subarray(100, 111);
    await cache.handle(makeRequest('/pooled'), definePolicy({ maxAge: 60 }), async () => ({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body,
    }));
    const entry = written[0]!;
    expect(written).toHaveLength(1);
    expect(new TextDecoder().decode(entry.response?.body)).toBe('pooled body');
    expect(entry.response?.body.buffer.byteLength).toBe(11);
  });
});
