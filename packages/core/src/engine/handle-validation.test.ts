import { describe, expect, it } from 'vitest';
import { definePolicy } from '../policy/policy';
import type { OriginContext, OriginResponse, ResponseHeaders } from '../types';
import { bodyText, fakeOrigin, header, makeRequest, setupCache, textResponse } from './test-fixtures';

const fromResponse = definePolicy({ from: 'response' });

/** A 304 without a body, as an adapter hands it over (an empty buffered body). */
function notModified(headers: ResponseHeaders): OriginResponse {
  return { status: 304, headers, body: new Uint8Array(0) };
}

/** An origin that answers 200 `body n` first, then 304 to a request carrying `validators`. */
function validatingOrigin(first: ResponseHeaders, then: (ctx: OriginContext, n: number) => OriginResponse) {
  return fakeOrigin((ctx, n) => (n === 1 ? textResponse(`body ${n}`, 200, first) : then(ctx, n)));
}

describe('handle: validation on a from: response route (RFC 9111 §4.3)', () => {
  describe('when a stored response with an ETag is stale', () => {
    it('sends its validators; a 304 freshens the stored headers and answers from the entry', async () => {
      const { cache, clock } = setupCache();
      const origin = validatingOrigin(
        { 'cache-control': 'max-age=10', etag: '"v1"', 'x-version': 'a' },
        (ctx) =>
          ctx.validators?.['if-none-match'] === '"v1"'
            ? notModified({ 'cache-control': 'max-age=60', etag: '"v1"', 'x-version': 'b' })
            : textResponse('unexpected', 200, {}),
      );
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(11_000);
      const validated = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(origin.calls[1]!.validators).toEqual({ 'if-none-match': '"v1"' });
      expect(validated.status).toBe(200);
      expect(bodyText(validated)).toBe('body 1');
      expect(header(validated, 'x-version')).toBe('b');
      expect(header(validated, 'cache-status')).toBe('routecache; fwd=stale; fwd-status=304; ttl=60; stored');
      clock.advance(59_000);
      const hit = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(header(hit, 'cache-status')).toBe('routecache; hit; ttl=1');
      expect(header(hit, 'x-version')).toBe('b');
      expect(origin.calls).toHaveLength(2);
    });

    it('keeps the stored Content-Length and Content-Encoding when the 304 says otherwise (§3.2)', async () => {
      const { cache, clock } = setupCache();
      const origin = validatingOrigin(
        { 'cache-control': 'max-age=1', etag: '"v1"', 'content-encoding': 'identity', 'content-length': '6' },
        () => notModified({ etag: '"v1"', 'content-encoding': 'gzip', 'content-length': '0' }),
      );
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(2000);
      const answer = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(header(answer, 'content-encoding')).toBe('identity');
      expect(header(answer, 'content-length')).toBe('6');
    });

    it('replaces the entry with a full answer', async () => {
      const { cache, clock } = setupCache();
      const origin = validatingOrigin({ 'cache-control': 'max-age=1', etag: '"v1"' }, (_ctx, n) =>
        textResponse(`body ${n}`, 200, { 'cache-control': 'max-age=60', etag: '"v2"' }),
      );
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(2000);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
      const hit = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(hit)).toBe('body 2');
      expect(header(hit, 'etag')).toBe('"v2"');
      expect(origin.calls).toHaveLength(2);
    });

    it('fetches the full response again when the 304 names another strong validator (§4.3.4)', async () => {
      const { cache, clock } = setupCache();
      const origin = fakeOrigin((ctx, n) => {
        if (n === 1) return textResponse('body 1', 200, { 'cache-control': 'max-age=1', etag: '"v1"' });
        if (ctx.validators) return notModified({ etag: '"other"' });
        return textResponse(`body ${n}`, 200, { 'cache-control': 'max-age=60', etag: '"v3"' });
      });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(2000);
      const answer = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(answer.status).toBe(200);
      expect(bodyText(answer)).toBe('body 3');
      expect(origin.calls.map((ctx) => ctx.validators)).toEqual([
        undefined,
        { 'if-none-match': '"v1"' },
        undefined,
      ]);
    });

    it('sends If-Modified-Since from a stored Last-Modified', async () => {
      const { cache, clock } = setupCache();
      const lastModified = 'Wed, 01 Jan 2020 00:00:00 GMT';
      const origin = validatingOrigin({ 'cache-control': 'max-age=1', 'last-modified': lastModified }, () =>
        notModified({ 'last-modified': lastModified, 'cache-control': 'max-age=30' }),
      );
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(2000);
      const answer = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(origin.calls[1]!.validators).toEqual({ 'if-modified-since': lastModified });
      expect(bodyText(answer)).toBe('body 1');
    });
  });

  describe('when the response says no-cache and has an ETag', () => {
    it('stores it and validates it before every use (§5.2.2.4)', async () => {
      const { cache } = setupCache();
      const origin = validatingOrigin({ 'cache-control': 'no-cache', etag: '"v1"' }, () =>
        notModified({ etag: '"v1"' }),
      );
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      for (let i = 0; i < 2; i++) {
        const answer = await cache.handle(makeRequest('/p'), fromResponse, origin);
        expect(bodyText(answer)).toBe('body 1');
        expect(header(answer, 'cache-status')).toMatch(/fwd=stale; fwd-status=304/);
      }
      expect(origin.calls).toHaveLength(3);
      expect(origin.calls.slice(1).every((ctx) => ctx.validators?.['if-none-match'] === '"v1"')).toBe(true);
    });
  });

  describe('when the origin cannot be reached (§4.2.4)', () => {
    it('serves a stale entry whose headers allow it', async () => {
      const { cache, clock } = setupCache();
      const origin = fakeOrigin((_ctx, n) => {
        if (n === 1) return textResponse('body 1', 200, { 'cache-control': 'max-age=1' });
        throw new Error('connection refused');
      });
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(5000);
      const answer = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(answer)).toBe('body 1');
      expect(header(answer, 'cache-status')).toMatch(/fwd=stale; .*detail=stale-if-error/);
    });

    it.each(['max-age=1, must-revalidate', 'max-age=1, proxy-revalidate', 's-maxage=1'])(
      'fails rather than serve stale with %s',
      async (value) => {
        const { cache, clock } = setupCache();
        const origin = fakeOrigin((_ctx, n) => {
          if (n === 1) return textResponse('body 1', 200, { 'cache-control': value });
          throw new Error('connection refused');
        });
        await cache.handle(makeRequest('/p'), fromResponse, origin);
        clock.advance(5000);
        await expect(cache.handle(makeRequest('/p'), fromResponse, origin)).rejects.toThrow(
          'connection refused',
        );
      },
    );

    it('does not serve stale for a 5xx answer without stale-if-error', async () => {
      const { cache, clock } = setupCache();
      const origin = fakeOrigin((_ctx, n) =>
        n === 1 ? textResponse('body 1', 200, { 'cache-control': 'max-age=1' }) : textResponse('down', 503),
      );
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(5000);
      expect((await cache.handle(makeRequest('/p'), fromResponse, origin)).status).toBe(503);
    });
  });

  describe('with targetedFields (RFC 9213)', () => {
    it('lets CDN-Cache-Control replace Cache-Control and Expires', async () => {
      const { cache, clock } = setupCache({ targetedFields: ['cdn-cache-control'] });
      const origin = fakeOrigin((_ctx, n) =>
        textResponse(`body ${n}`, 200, { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=60' }),
      );
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      clock.advance(30_000);
      const hit = await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(hit)).toBe('body 1');
      expect(header(hit, 'cache-control')).toBe('no-store');
    });

    it('obeys Surrogate-Control directives for its device token only', async () => {
      const { cache } = setupCache({ targetedFields: ['surrogate-control'], deviceToken: 'edge' });
      const mine = fakeOrigin((_ctx, n) =>
        textResponse(`body ${n}`, 200, {
          'cache-control': 'no-store',
          'surrogate-control': 'max-age=60;edge',
        }),
      );
      await cache.handle(makeRequest('/a'), fromResponse, mine);
      expect(bodyText(await cache.handle(makeRequest('/a'), fromResponse, mine))).toBe('body 1');
      const other = fakeOrigin((_ctx, n) =>
        textResponse(`body ${n}`, 200, {
          'cache-control': 'no-store',
          'surrogate-control': 'max-age=60;other',
        }),
      );
      await cache.handle(makeRequest('/b'), fromResponse, other);
      expect(bodyText(await cache.handle(makeRequest('/b'), fromResponse, other))).toBe('body 2');
    });

    it('ignores targeted fields unless configured', async () => {
      const { cache } = setupCache();
      const origin = fakeOrigin((_ctx, n) =>
        textResponse(`body ${n}`, 200, { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=60' }),
      );
      await cache.handle(makeRequest('/p'), fromResponse, origin);
      expect(bodyText(await cache.handle(makeRequest('/p'), fromResponse, origin))).toBe('body 2');
    });

    it('rejects an unknown field and an invalid device token, naming the option', () => {
      expect(() => setupCache({ targetedFields: ['x-cache-control' as never] })).toThrow(/targetedFields/);
      expect(() => setupCache({ deviceToken: 'a b' })).toThrow(/deviceToken/);
    });
  });
});

describe("handle: a route policy under a handler's stricter Cache-Control", () => {
  const route = definePolicy({ scope: 'public', maxAge: 60, staleWhileRevalidate: 30 });

  it("keeps the entry fresh only for the handler's max-age=5", async () => {
    const { cache, clock } = setupCache();
    const origin = fakeOrigin((_ctx, n) =>
      textResponse(`body ${n}`, 200, { 'cache-control': 'public, max-age=5' }),
    );
    const first = await cache.handle(makeRequest('/p'), route, origin);
    expect(header(first, 'cache-status')).toBe('routecache; fwd=miss; ttl=5; stored');
    clock.advance(4000);
    const hit = await cache.handle(makeRequest('/p'), route, origin);
    expect(header(hit, 'cache-status')).toBe('routecache; hit; ttl=1');
    expect(header(hit, 'age')).toBe('4');
    clock.advance(2000);
    // Still within the route's stale-while-revalidate: served stale, not as a fresh hit.
    expect(header(await cache.handle(makeRequest('/p'), route, origin), 'cache-status')).toMatch(/ttl=-1/);
  });

  it('does not store max-age=0, must-revalidate (no freshness, no grace)', async () => {
    const { cache } = setupCache();
    const origin = fakeOrigin((_ctx, n) =>
      textResponse(`body ${n}`, 200, { 'cache-control': 'public, max-age=0, must-revalidate' }),
    );
    await cache.handle(makeRequest('/p'), route, origin);
    expect(bodyText(await cache.handle(makeRequest('/p'), route, origin))).toBe('body 2');
    expect(cache.stats().stored).toBe(0);
  });

  it("keeps the route's lifetime when the handler's is longer", async () => {
    const { cache } = setupCache();
    const origin = fakeOrigin((_ctx, n) =>
      textResponse(`body ${n}`, 200, { 'cache-control': 'public, max-age=600' }),
    );
    const first = await cache.handle(makeRequest('/p'), route, origin);
    expect(header(first, 'cache-status')).toBe('routecache; fwd=miss; ttl=60; stored');
  });
});

describe('handle: a from: response route that learned a Vary', () => {
  it("passes the origin's Vary on as written", async () => {
    const { cache } = setupCache();
    const origin = fakeOrigin((_ctx, n) =>
      textResponse(`body ${n}`, 200, { 'cache-control': 'max-age=60', vary: 'Foo' }),
    );
    const first = await cache.handle(makeRequest('/v', { headers: { foo: '1' } }), fromResponse, origin);
    const hit = await cache.handle(makeRequest('/v', { headers: { foo: '1' } }), fromResponse, origin);
    expect(header(first, 'vary')).toBe('Foo');
    expect(header(hit, 'vary')).toBe('Foo');
    expect(bodyText(hit)).toBe('body 1');
  });
});
