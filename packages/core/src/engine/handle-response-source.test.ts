import { describe, expect, it } from 'vitest';
import { definePolicy } from '../policy/policy';
import type { ResponseHeaders } from '../types';
import { bodyText, fakeOrigin, header, makeRequest, settle, setupCache, textResponse } from './test-fixtures';

const fromResponse = definePolicy({ from: 'response' });

/** An origin answering `body n` with `headers` (a function of n when given one). */
function originWith(headers: ResponseHeaders | ((n: number) => ResponseHeaders), status = 200) {
  return fakeOrigin((_ctx, n) =>
    textResponse(`body ${n}`, status, typeof headers === 'function' ? headers(n) : headers),
  );
}

const httpDate = (ms: number): string => new Date(ms).toUTCString();

describe('handle: a from: response route', () => {
  describe('when the response says public, s-maxage=60', () => {
    it('stores it, answers hits for 60 s with its own Cache-Control, then misses', async () => {
      const { cache, clock } = setupCache();
      const origin = originWith({ 'cache-control': 'public, s-maxage=60' });
      const first = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(header(first, 'cache-control')).toBe('public, s-maxage=60');
      expect(header(first, 'cache-status')).toBe('routecache; fwd=miss; ttl=60; stored');
      clock.advance(59_000);
      const hit = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(hit)).toBe('body 1');
      expect(header(hit, 'age')).toBe('59');
      expect(header(hit, 'cache-control')).toBe('public, s-maxage=60');
      expect(header(hit, 'cache-status')).toBe('routecache; hit; ttl=1');
      clock.advance(1000);
      const after = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(after)).toBe('body 2');
      expect(origin.calls).toHaveLength(2);
      expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, stored: 2 });
    });

    it('adds no ETag and no tag header of its own', async () => {
      const { cache } = setupCache();
      const answer = await cache.handle(
        makeRequest('/p'),
        fromResponse,
        originWith({ 'cache-control': 'public, s-maxage=60' }),
      );
      expect(header(answer, 'etag')).toBeUndefined();
      expect(header(answer, 'surrogate-key')).toBeUndefined();
      expect(header(answer, 'cache-tag')).toBeUndefined();
    });

    it("keeps the handler's own ETag and answers 304 from the entry", async () => {
      const { cache } = setupCache();
      const origin = originWith({ 'cache-control': 'max-age=60', etag: '"v1"' });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      const answer = await cache.handle(
        makeRequest('/p', { headers: { 'if-none-match': '"v1"' } }),
        fromResponse,
        origin,
      );
      expect(answer.status).toBe(304);
      expect(origin.calls).toHaveLength(1);
    });

    it("makes an ETag with the route's etag: 'weak'", async () => {
      const { cache } = setupCache();
      const policy = definePolicy({ from: 'response', etag: 'weak' });
      const answer = await cache.handle(
        makeRequest('/p'),
        policy,
        originWith({ 'cache-control': 'max-age=60' }),
      );
      expect(header(answer, 'etag')).toMatch(/^W\/"/);
    });
  });

  describe('when the response forbids a shared cache to reuse it', () => {
    it.each([
      'private, max-age=60',
      'no-store',
      'public, max-age=60, no-store',
      'no-cache, max-age=60',
      'max-age=0',
    ])('never stores Cache-Control: %s and passes it through', async (value) => {
      const { cache } = setupCache();
      const origin = originWith({ 'cache-control': value });
      const first = await cache.handle(makeRequest('/p'), fromResponse, origin);
      const second = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(header(first, 'cache-control')).toBe(value);
      expect(bodyText(second)).toBe('body 2');
      expect(header(second, 'cache-status')).toBe('routecache; fwd=miss');
      expect(cache.stats().stored).toBe(0);
    });

    it('never stores a response without any freshness information', async () => {
      const { cache } = setupCache();
      const origin = originWith({});
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      const second = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(second)).toBe('body 2');
      expect(header(second, 'cache-control')).toBeUndefined();
    });

    it('never stores a response with Set-Cookie', async () => {
      const { cache } = setupCache();
      const origin = originWith({ 'cache-control': 'public, max-age=60', 'set-cookie': 'a=1' });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });

    it('never stores a response with Vary: *', async () => {
      const { cache } = setupCache();
      const origin = originWith({ 'cache-control': 'public, max-age=60', vary: '*' });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });

    it('never stores a 302 or a 500 without explicit freshness', async () => {
      const { cache } = setupCache();
      for (const status of [302, 500]) {
        const origin = originWith({ location: '/x' }, status);
        await cache.handle(makeRequest(`/s${status}`), fromResponse, origin);
        await cache.handle(makeRequest(`/s${status}`), fromResponse, origin);
        expect(origin.calls).toHaveLength(2);
      }
    });

    it('never stores an override that makes the answer private', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin((_ctx, n) => ({
        ...textResponse(`body ${n}`, 200, { 'cache-control': 'public, max-age=60' }),
        policy: { scope: 'private' },
      }));
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });
  });

  describe('freshness from the response (RFC 9111 §4.2)', () => {
    it('takes the Age the response already has from its lifetime, and keeps counting it', async () => {
      const { cache, clock } = setupCache();
      const origin = originWith({ 'cache-control': 'max-age=60', age: '50' });
      const first = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(header(first, 'age')).toBe('50');
      clock.advance(5000);
      const hit = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(header(hit, 'age')).toBe('55');
      expect(header(hit, 'cache-status')).toBe('routecache; hit; ttl=5');
      clock.advance(5000);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });

    it('uses Expires minus Date', async () => {
      const { cache, clock } = setupCache();
      const now = clock.now();
      const origin = originWith({ date: httpDate(now), expires: httpDate(now + 30_000) });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(29_000);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 1');
      clock.advance(1000);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });

    it('takes s-maxage over max-age', async () => {
      const { cache, clock } = setupCache();
      const origin = originWith({ 'cache-control': 'max-age=5, s-maxage=20' });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(10_000);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 1');
    });

    it('gives a 200 with Last-Modified a heuristic lifetime of 10% of its age', async () => {
      const { cache, clock } = setupCache();
      const now = clock.now();
      const origin = originWith({ date: httpDate(now), 'last-modified': httpDate(now - 1000_000) });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(99_000);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 1');
      clock.advance(1000);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });
  });

  describe('grace windows from the response (RFC 5861)', () => {
    it('serves stale within stale-while-revalidate and refreshes in the background', async () => {
      const { cache, clock } = setupCache();
      const origin = originWith({ 'cache-control': 'max-age=10, stale-while-revalidate=30' });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(15_000);
      const refresh = originWith({ 'cache-control': 'max-age=10' });
      const stale = await cache.handle(makeRequest('/p'), fromResponse, origin, { refresh });
      expect(bodyText(stale)).toBe('body 1');
      expect(header(stale, 'cache-status')).toBe('routecache; hit; ttl=-5; detail=stale-while-revalidate');
      await settle();
      expect(refresh.calls).toHaveLength(1);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 1');
      expect(origin.calls).toHaveLength(1);
    });

    it('answers from the stale entry within stale-if-error when the origin fails', async () => {
      const { cache, clock } = setupCache();
      const origin = originWith(
        (n): ResponseHeaders => (n === 1 ? { 'cache-control': 'max-age=10, stale-if-error=300' } : {}),
      );
      const failing = fakeOrigin(() => textResponse('down', 503));
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(60_000);
      const answer = await cache.handle(makeRequest('/p'), fromResponse, failing);
      expect(answer.status).toBe(200);
      expect(bodyText(answer)).toBe('body 1');
    });

    it('grants no window with must-revalidate', async () => {
      const { cache, clock } = setupCache();
      const origin = originWith({ 'cache-control': 'max-age=10, must-revalidate, stale-if-error=300' });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(60_000);
      const answer = await cache.handle(
        makeRequest('/p'),
        fromResponse,
        fakeOrigin(() => textResponse('down', 503)),
      );
      expect(answer.status).toBe(503);
    });
  });

  describe('tags from the response', () => {
    it('invalidates an entry by a Surrogate-Key or Cache-Tag it named, and by the route tags', async () => {
      const { cache } = setupCache();
      const policy = definePolicy({ from: 'response', tags: ['route'] });
      const origin = originWith({
        'cache-control': 'max-age=60',
        'surrogate-key': 'product:1 products',
        'cache-tag': 'shop',
      });
      for (const tag of ['product:1', 'shop', 'route']) {
        await cache.handle(makeRequest('/p'), policy, origin);
        expect(bodyText(await cache.handle(makeRequest('/p'), policy, origin))).toBe(
          `body ${origin.calls.length}`,
        );
        const calls = origin.calls.length;
        await cache.invalidate({ tags: [tag] });
        await cache.handle(makeRequest('/p'), policy, origin);
        expect(origin.calls).toHaveLength(calls + 1);
      }
    });
  });

  describe('requests with Authorization (RFC 9111 §3.5)', () => {
    it('stores an answer marked public and serves it', async () => {
      const { cache } = setupCache();
      const auth = { headers: { authorization: 'Bearer x' } };
      const origin = originWith({ 'cache-control': 'public, max-age=60' });
      await cache.handle(makeRequest('/p', auth), fromResponse, origin);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 1');
    });

    it('does not store an answer with max-age only', async () => {
      const { cache } = setupCache();
      const auth = { headers: { authorization: 'Bearer x' } };
      const origin = originWith({ 'cache-control': 'max-age=60' });
      await cache.handle(makeRequest('/p', auth), fromResponse, origin);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });
  });

  describe('Vary from the response (RFC 9111 §4.1)', () => {
    it('keeps one entry per value of the headers it names', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin((_ctx, n) =>
        textResponse(`body ${n}`, 200, { 'cache-control': 'max-age=60', vary: 'Accept-Language' }),
      );
      const en = { headers: { 'accept-language': 'en' } };
      const fr = { headers: { 'accept-language': 'fr' } };
      await cache.handle(makeRequest('/p', en), fromResponse, origin);
      expect(bodyText(await cache.handle(makeRequest('/p', fr), fromResponse, origin))).toBe('body 2');
      expect(bodyText(await cache.handle(makeRequest('/p', en), fromResponse, origin))).toBe('body 1');
      expect(bodyText(await cache.handle(makeRequest('/p', fr), fromResponse, origin))).toBe('body 2');
    });
  });

  describe('as the cache-wide default', () => {
    it('applies to routes declaring no storage of their own, not to the others', async () => {
      const { cache, clock } = setupCache({ defaults: { from: 'response' } });
      const headerDriven = cache.definePolicy({ tags: ['t'] });
      const declared = cache.definePolicy({ maxAge: 5 });
      expect(headerDriven.from).toBe('response');
      expect(declared.from).toBe('route');
      const origin = originWith({ 'cache-control': 'public, s-maxage=60' });
      await cache.handle(makeRequest('/a'), headerDriven, origin);
      await cache.handle(makeRequest('/b'), declared, origin);
      clock.advance(10_000);
      expect(bodyText(await cache.handle(makeRequest('/a'), headerDriven, origin))).toBe('body 1');
      // The declared route keeps its own ttl (maxAge 5 s; the handler's longer header does not extend it).
      expect(bodyText(await cache.handle(makeRequest('/b'), declared, origin))).toBe('body 3');
    });
  });

  describe('when the answer leaves the cache path', () => {
    it("gives a streamed-through answer the handler's headers as they are, with Vary and Cache-Status", async () => {
      const { cache } = setupCache();
      const policy = definePolicy({ from: 'response', vary: ['x-tenant'] });
      let finalized: ResponseHeaders = {};
      const origin = fakeOrigin((ctx) => {
        finalized = ctx.finalizeHeaders(200, {
          'Cache-Control': 'public, s-maxage=60',
          'content-type': 'text/event-stream',
        });
        return { status: 200, headers: finalized, body: null };
      });
      const answer = await cache.handle(makeRequest('/sse'), policy, origin);
      expect(answer.sent).toBe(true);
      expect(finalized).toEqual({
        'cache-control': 'public, s-maxage=60',
        'content-type': 'text/event-stream',
        vary: 'x-tenant',
        'cache-status': 'routecache; fwd=miss',
      });
    });

    it("passes the handler's headers through on a bypass (a GET with a body) and stores nothing", async () => {
      const { cache } = setupCache();
      const origin = originWith({ 'cache-control': 'public, s-maxage=60' });
      const answer = await cache.handle(makeRequest('/p', { hasBody: true }), fromResponse, origin);
      expect(header(answer, 'cache-control')).toBe('public, s-maxage=60');
      expect(header(answer, 'cache-status')).toBe('routecache; fwd=request; detail=request-body');
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });

    it('answers an error with its own headers, adding no no-store', async () => {
      const { cache } = setupCache();
      const answer = await cache.handle(makeRequest('/p'), fromResponse, originWith({}, 500));
      expect(answer.status).toBe(500);
      expect(header(answer, 'cache-control')).toBeUndefined();
    });
  });

  describe('next to a route policy', () => {
    it("leaves the route policy's Age counting from its own store time, whatever Age the handler sent", async () => {
      const { cache, clock } = setupCache();
      const policy = definePolicy({ maxAge: 60 });
      const origin = originWith({ age: '500' });
      await cache.handle(makeRequest('/p'), policy, origin);
      clock.advance(3000);
      const hit = await cache.handle(makeRequest('/p'), policy, origin);
      expect(header(hit, 'age')).toBe('3');
      expect(header(hit, 'cache-control')).toBe('public, max-age=60');
    });
  });
});
