import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../policy/policy';
import type { PolicyInput } from '../types';
import { buildAgeHeader, buildCacheHeaders, buildCacheStatus, mergeVary, parseCacheControl } from './headers';

describe('buildCacheHeaders', () => {
  it.each<[string, PolicyInput, Record<string, string>]>([
    ['an empty policy', {}, { 'cache-control': 'public, max-age=0' }],
    ['maxAge', { maxAge: 60 }, { 'cache-control': 'public, max-age=60' }],
    [
      'sMaxAge alone (browsers revalidate)',
      { sMaxAge: '1h' },
      { 'cache-control': 'public, max-age=0, s-maxage=3600' },
    ],
    [
      'maxAge and sMaxAge',
      { maxAge: 60, sMaxAge: 600 },
      { 'cache-control': 'public, max-age=60, s-maxage=600' },
    ],
    [
      'grace windows',
      { maxAge: 60, staleWhileRevalidate: 30, staleIfError: '1d' },
      { 'cache-control': 'public, max-age=60, stale-while-revalidate=30, stale-if-error=86400' },
    ],
    [
      'immutable and must-revalidate',
      { maxAge: '1d', immutable: true, mustRevalidate: true },
      { 'cache-control': 'public, max-age=86400, must-revalidate, immutable' },
    ],
    ['noCache', { maxAge: 60, noCache: true }, { 'cache-control': 'public, no-cache, max-age=60' }],
    ['a server-only ttl', { ttl: 60 }, { 'cache-control': 'public, max-age=0' }],
    ['private', { scope: 'private', maxAge: 30 }, { 'cache-control': 'private, max-age=30' }],
    ['private without maxAge', { scope: 'private' }, { 'cache-control': 'private, max-age=0' }],
    [
      'private with grace windows',
      { scope: 'private', maxAge: 30, staleWhileRevalidate: 5 },
      { 'cache-control': 'private, max-age=30, stale-while-revalidate=5' },
    ],
    ['no-store', { scope: 'no-store' }, { 'cache-control': 'no-store' }],
    [
      'cdnMaxAge (RFC 9213)',
      { maxAge: 10, cdnMaxAge: '1h', staleWhileRevalidate: 60 },
      {
        'cache-control': 'public, max-age=10, stale-while-revalidate=60',
        'cdn-cache-control': 'public, max-age=3600, stale-while-revalidate=60',
      },
    ],
    [
      'tags',
      { maxAge: 10, tags: ['a', 'b:1'] },
      { 'cache-control': 'public, max-age=10', 'surrogate-key': 'a b:1' },
    ],
    [
      'vary',
      { maxAge: 10, vary: ['Accept-Language', 'X-Tenant'] },
      { 'cache-control': 'public, max-age=10', vary: 'accept-language, x-tenant' },
    ],
  ])('for %s', (_, input, expected) => {
    expect(buildCacheHeaders(definePolicy(input))).toEqual(expected);
  });

  describe('tag header dialect', () => {
    const policy = definePolicy({ maxAge: 10, tags: ['a', 'b'] });

    it.each([
      [undefined, { 'surrogate-key': 'a b' }],
      ['surrogate-key', { 'surrogate-key': 'a b' }],
      ['cache-tag', { 'cache-tag': 'a,b' }],
      ['both', { 'surrogate-key': 'a b', 'cache-tag': 'a,b' }],
      [false, {}],
    ] as const)('%s', (tagHeader, expected) => {
      expect(buildCacheHeaders(policy, undefined, { tagHeader })).toEqual({
        'cache-control': 'public, max-age=10',
        ...expected,
      });
    });
  });

  it('uses the given request-time tags instead of the policy list, encoded as the header needs', () => {
    const policy = definePolicy({ maxAge: 10, tags: () => [] });
    expect(buildCacheHeaders(policy, ['p:1', 'bad tag', 'x\r\ny', 'p:1', 'p:2', ''])).toEqual({
      'cache-control': 'public, max-age=10',
      'surrogate-key': 'p:1 bad%20tag x%0D%0Ay p:2',
    });
  });

  it('sends no tag header for a tags function without request-time tags', () => {
    expect(buildCacheHeaders(definePolicy({ tags: () => ['a'] }))).toEqual({
      'cache-control': 'public, max-age=0',
    });
  });

  it('gives no-store alone, whatever the tags or options', () => {
    expect(buildCacheHeaders(definePolicy({ scope: 'no-store' }), ['a'], { tagHeader: 'both' })).toEqual({
      'cache-control': 'no-store',
    });
  });

  it('never sends a tag header on a private policy', () => {
    expect(buildCacheHeaders(definePolicy({ scope: 'private' }), ['a'])).toEqual({
      'cache-control': 'private, max-age=0',
    });
  });

  it('never sends a negative or fractional value, even for a hand-made policy', () => {
    const policy = { ...definePolicy({}), maxAge: -5, sMaxAge: 1.7, staleWhileRevalidate: -1 };
    expect(buildCacheHeaders(policy)['cache-control']).toBe('public, max-age=0, s-maxage=1');
  });
});

describe('parseCacheControl', () => {
  it.each<[string, Record<string, string | true>]>([
    ['', {}],
    ['public, max-age=60', { public: true, 'max-age': '60' }],
    ['PUBLIC, Max-Age=60', { public: true, 'max-age': '60' }],
    ['  public ,max-age = 60 ,  s-maxage=120  ', { public: true, 'max-age': '60', 's-maxage': '120' }],
    ['max-age="60"', { 'max-age': '60' }],
    ['private="set-cookie, x-a", max-age=5', { private: 'set-cookie, x-a', 'max-age': '5' }],
    ['no-cache="a\\"b\\\\c", public', { 'no-cache': 'a"b\\c', public: true }],
    ['max-age=60, max-age=10', { 'max-age': '60' }],
    ['max-age=60, MAX-AGE=10', { 'max-age': '60' }],
    ['x-custom=abc, foo', { 'x-custom': 'abc', foo: true }],
    [',,, ,public,,', { public: true }],
    ['=60, public', { public: true }],
    ['max age=60, public', { public: true }],
    ['private="unterminated, max-age=5', { private: 'unterminated, max-age=5' }],
    ['no-cache="x" garbage, public', { 'no-cache': 'x', public: true }],
    ['max-age=', { 'max-age': '' }],
    ['__proto__=1, constructor', JSON.parse('{"__proto__":"1","constructor":true}')],
  ])('parses %j', (input, expected) => {
    const parsed = parseCacheControl(input);
    expect({ ...parsed }).toEqual({ ...expected });
    expect(Object.keys(parsed)).toEqual(Object.keys(expected));
  });

  it('has no prototype, so directive names never reach Object.prototype', () => {
    const parsed = parseCacheControl('__proto__=1, hasownproperty');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe('1');
    expect(parsed.hasownproperty).toBe(true);
    expect(parsed.constructor).toBeUndefined();
  });

  it('never throws on garbage', () => {
    for (const input of [
      '"',
      '\\',
      '="',
      'a="\\',
      '\0\r\n',
      ',=,=,',
      'x'.repeat(100_000),
      undefined,
      null,
      5,
    ]) {
      expect(() => parseCacheControl(input as string)).not.toThrow();
    }
  });
});

describe('mergeVary', () => {
  it.each<[(string | string[] | undefined)[], string]>([
    [[], ''],
    [[undefined, ''], ''],
    [['Accept-Encoding'], 'accept-encoding'],
    [
      ['Accept-Encoding, Accept-Language', ['accept-language', 'X-Tenant']],
      'accept-encoding, accept-language, x-tenant',
    ],
    [['accept', 'ACCEPT'], 'accept'],
    [['accept', '*'], '*'],
    [[['accept'], 'x, *, y'], '*'],
    [['accept,, ,cookie'], 'accept, cookie'],
    [['bad name, x\r\ny, ok'], 'ok'],
  ])('merges %j into %j', (values, expected) => {
    expect(mergeVary(...values)).toBe(expected);
  });
});

describe('buildCacheStatus', () => {
  it.each<[Parameters<typeof buildCacheStatus>[0], string]>([
    [{ cache: 'routecache', hit: true, ttl: 42 }, 'routecache; hit; ttl=42'],
    [{ cache: 'routecache', fwd: 'miss', stored: true }, 'routecache; fwd=miss; stored'],
    [
      { cache: 'routecache', fwd: 'uri-miss', fwdStatus: 200, stored: true },
      'routecache; fwd=uri-miss; fwd-status=200; stored',
    ],
    [
      { cache: 'routecache', hit: true, ttl: -5, detail: 'stale-while-revalidate' },
      'routecache; hit; ttl=-5; detail=stale-while-revalidate',
    ],
    [{ cache: 'routecache', hit: true, ttl: -0.3 }, 'routecache; hit; ttl=-1'],
    [{ cache: 'routecache', hit: true, ttl: 41.9 }, 'routecache; hit; ttl=41'],
    [{ cache: 'routecache', hit: true, ttl: 0.2 }, 'routecache; hit; ttl=0'],
    [{ cache: 'routecache', hit: true, ttl: Number.NaN }, 'routecache; hit'],
    [{ cache: 'routecache', fwd: 'bypass' }, 'routecache; fwd=bypass'],
    [{ cache: 'routecache', fwd: 'stale', collapsed: true }, 'routecache; fwd=stale; collapsed'],
    [{ cache: 'my cache', hit: true }, '"my cache"; hit'],
    [{ cache: 'edge"1\\', hit: true }, '"edge\\"1\\\\"; hit'],
    [{ cache: 'a\r\nx-injected: 1', hit: true }, '"ax-injected: 1"; hit'],
    [
      { cache: 'routecache', fwd: 'miss', detail: 'body too large' },
      'routecache; fwd=miss; detail="body too large"',
    ],
    [{ cache: '', hit: true }, 'routecache; hit'],
  ])('%j → %s', (entry, expected) => {
    expect(buildCacheStatus(entry)).toBe(expected);
  });
});

describe('buildAgeHeader', () => {
  it.each([
    [0, 0, '0'],
    [1_000, 1_999, '0'],
    [1_000, 43_500, '42'],
    [5_000, 1_000, '0'],
    [0, Number.NaN, '0'],
    [0, 1e16, '2147483648'],
  ])('stored at %i, now %i → %s', (storedAt, now, expected) => {
    expect(buildAgeHeader(storedAt, now)).toBe(expected);
  });
});

/** Any character a header value must never carry: a line break or NUL would start a new header line. */
const UNSAFE = /[\r\n\0]/;
const anyText = fc.string({ unit: 'binary', maxLength: 60 });
const textWithBreaks = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\r', '\n', '\0', ',', ' ', '"', '\\', ';', '='),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
  maxLength: 30,
});
const hostile = fc.oneof(anyText, textWithBreaks);

describe('header injection (property)', () => {
  it('no request-time tag reaches a tag header with CR, LF, NUL, a space or a comma inside a tag', () => {
    const policy = definePolicy({ maxAge: 1, tags: () => [] });
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 8 }), (tags) => {
        const headers = buildCacheHeaders(policy, tags, { tagHeader: 'both' });
        for (const value of Object.values(headers)) expect(value).not.toMatch(UNSAFE);
        const keys = headers['surrogate-key']?.split(' ') ?? [];
        const cacheTags = headers['cache-tag']?.split(',') ?? [];
        expect(keys).toEqual(cacheTags);
        for (const tag of keys) expect(tag).toMatch(/^[\x21-\x2b\x2d-\x7e]{1,128}$/);
      }),
    );
  });

  it('no policy tag with CR, LF or NUL is accepted', () => {
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 5 }), (tags) => {
        let headers: Record<string, string>;
        try {
          headers = buildCacheHeaders(definePolicy({ maxAge: 1, tags }), undefined, { tagHeader: 'both' });
        } catch (error) {
          expect((error as { field?: string }).field).toBe('tags');
          return;
        }
        for (const value of Object.values(headers)) expect(value).not.toMatch(UNSAFE);
      }),
    );
  });

  it('no Vary input reaches the merged Vary with CR, LF or NUL', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })), { maxLength: 4 }),
        (values) => {
          const merged = mergeVary(...values);
          expect(merged).not.toMatch(UNSAFE);
          expect(
            merged === '' ||
              merged === '*' ||
              /^[!#$%&'*+\-.^_`|~0-9a-z]+(, [!#$%&'*+\-.^_`|~0-9a-z]+)*$/.test(merged),
          ).toBe(true);
        },
      ),
    );
  });

  it('no cache name or detail reaches Cache-Status with CR, LF, NUL or non-ASCII', () => {
    fc.assert(
      fc.property(hostile, hostile, fc.double(), (cache, detail, ttl) => {
        const value = buildCacheStatus({ cache, hit: true, ttl, detail });
        expect(value).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });

  it('parseCacheControl never throws and keeps only token names', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        for (const name of Object.keys(parseCacheControl(value)))
          expect(name).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
      }),
    );
  });
});
