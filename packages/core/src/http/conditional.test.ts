import etag from 'etag';
import fc from 'fast-check';
import fresh from 'fresh';
import { describe, expect, it } from 'vitest';
import type { HeaderGetter } from '../types';
import {
  buildNotModifiedHeaders,
  CONDITIONAL_REQUEST_HEADERS,
  createETag,
  isNotModified,
  matchesIfNoneMatch,
  parseHttpDate,
  parseIfNoneMatch,
  RETAINED_304_HEADERS,
} from './conditional';

type Headers = Record<string, string>;
const getter =
  (headers: Headers): HeaderGetter =>
  (name) =>
    headers[name];

describe('createETag', () => {
  const body = new TextEncoder().encode('hello world');

  it('is weak by default, in jshttp/etag format with the URL-safe alphabet', async () => {
    const expected = etag(Buffer.from(body), { weak: true })
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace('W_', 'W/');
    expect(await createETag(body)).toBe(expected);
    expect(await createETag(body)).toBe('W/"b-Kq5sNclPz7QV2-lfQIuc6R7oRu0"');
  });

  it('is strong on request', async () => {
    expect(await createETag(body, 'strong')).toBe('"b-Kq5sNclPz7QV2-lfQIuc6R7oRu0"');
  });

  it('handles an empty body', async () => {
    expect(await createETag(new Uint8Array(0), 'strong')).toBe('"0-2jmj7l5rSw0yVb_vlWAYkK_YBwk"');
  });

  it('is deterministic over the full body: same bytes, same tag; one byte changed, another tag', async () => {
    const big = new Uint8Array(1 << 20).fill(7);
    const changed = big.slice();
    changed[changed.length - 1] = 8;
    expect(await createETag(big)).toBe(await createETag(big.slice()));
    expect(await createETag(big)).not.toBe(await createETag(changed));
  });

  it('always gives a valid entity-tag that matches itself', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom('weak', 'strong') as fc.Arbitrary<'weak' | 'strong'>,
        async (bytes, mode) => {
          const tag = await createETag(bytes, mode);
          expect(tag).toMatch(/^(W\/)?"[0-9a-f]+-[A-Za-z0-9_-]{27}"$/);
          expect(matchesIfNoneMatch(tag, tag)).toBe(true);
        },
      ),
    );
  });
});

/**
 * Every case of jshttp/fresh's own test suite (test/fresh.js, fresh 2.0.0), as a table:
 * [name, request headers, response headers, expected].
 */
const FRESH_SUITE: [string, Headers, Headers, boolean][] = [
  ['a non-conditional GET', {}, {}, false],
  ['If-None-Match: ETags match', { 'if-none-match': '"foo"' }, { etag: '"foo"' }, true],
  ['If-None-Match: ETags mismatch', { 'if-none-match': '"foo"' }, { etag: '"bar"' }, false],
  ['If-None-Match: at least one matches', { 'if-none-match': ' "bar" , "foo"' }, { etag: '"foo"' }, true],
  ['If-None-Match: etag is missing', { 'if-none-match': '"foo"' }, {}, false],
  ['If-None-Match: weak ETag, exact match', { 'if-none-match': 'W/"foo"' }, { etag: 'W/"foo"' }, true],
  ['If-None-Match: weak ETag, strong match', { 'if-none-match': 'W/"foo"' }, { etag: '"foo"' }, true],
  ['If-None-Match: strong ETag, exact match', { 'if-none-match': '"foo"' }, { etag: '"foo"' }, true],
  ['If-None-Match: strong ETag, weak match', { 'if-none-match': '"foo"' }, { etag: 'W/"foo"' }, true],
  ['If-None-Match: * is given', { 'if-none-match': '*' }, { etag: '"foo"' }, true],
  [
    'If-None-Match: * ignored if not the only value',
    { 'if-none-match': '*, "bar"' },
    { etag: '"foo"' },
    false,
  ],
  [
    'If-Modified-Since: modified since the date',
    { 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    { 'last-modified': 'Sat, 01 Jan 2000 01:00:00 GMT' },
    false,
  ],
  [
    'If-Modified-Since: unmodified since the date',
    { 'if-modified-since': 'Sat, 01 Jan 2000 01:00:00 GMT' },
    { 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    true,
  ],
  [
    'If-Modified-Since: Last-Modified is missing',
    { 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    {},
    false,
  ],
  [
    'If-Modified-Since: invalid If-Modified-Since date',
    { 'if-modified-since': 'foo' },
    { 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    false,
  ],
  [
    'If-Modified-Since: invalid Last-Modified date',
    { 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    { 'last-modified': 'foo' },
    false,
  ],
  [
    'both: both match',
    { 'if-none-match': '"foo"', 'if-modified-since': 'Sat, 01 Jan 2000 01:00:00 GMT' },
    { etag: '"foo"', 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    true,
  ],
  [
    'both: only ETag matches (If-Modified-Since ignored, RFC 9110 §13.1.3)',
    { 'if-none-match': '"foo"', 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    { etag: '"foo"', 'last-modified': 'Sat, 01 Jan 2000 01:00:00 GMT' },
    true,
  ],
  [
    'both: only Last-Modified matches',
    { 'if-none-match': '"foo"', 'if-modified-since': 'Sat, 01 Jan 2000 01:00:00 GMT' },
    { etag: '"bar"', 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    false,
  ],
  [
    'both: none match',
    { 'if-none-match': '"foo"', 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    { etag: '"bar"', 'last-modified': 'Sat, 01 Jan 2000 01:00:00 GMT' },
    false,
  ],
  ['Cache-Control: no-cache', { 'cache-control': ' no-cache' }, {}, false],
  [
    'Cache-Control: no-cache, ETags match',
    { 'cache-control': ' no-cache', 'if-none-match': '"foo"' },
    { etag: '"foo"' },
    false,
  ],
  [
    'Cache-Control: no-cache, unmodified since the date',
    { 'cache-control': ' no-cache', 'if-modified-since': 'Sat, 01 Jan 2000 01:00:00 GMT' },
    { 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' },
    false,
  ],
];

describe('isNotModified', () => {
  describe('agrees with fresh on every case of its test suite', () => {
    it.each(FRESH_SUITE)('%s', (_, request, response, expected) => {
      expect(fresh(request, response)).toBe(expected);
      expect(isNotModified('GET', getter(request), response)).toBe(expected);
      expect(isNotModified('HEAD', getter(request), response)).toBe(expected);
    });
  });

  it('asks for If-Modified-Since only when the request has no If-None-Match (RFC 9110 §13.1.3)', () => {
    const read: string[] = [];
    const recording =
      (headers: Headers): HeaderGetter =>
      (name) => {
        read.push(name);
        return headers[name];
      };
    const validators = { etag: '"foo"', 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' };
    const since = 'Sat, 01 Jan 2000 01:00:00 GMT';
    expect(
      isNotModified('GET', recording({ 'if-none-match': '"foo"', 'if-modified-since': since }), validators),
    ).toBe(true);
    expect(read).not.toContain('if-modified-since');
    expect(isNotModified('GET', recording({ 'if-modified-since': since }), validators)).toBe(true);
    expect(read).toContain('if-modified-since');
  });

  it('agrees with fresh on any well-formed combination of validators (differential)', () => {
    const opaque = fc.constantFrom('"a"', '"b"', '"c-1"', '""');
    const entityTag = fc.tuple(fc.boolean(), opaque).map(([weak, tag]) => (weak ? `W/${tag}` : tag));
    const httpDate = fc
      .integer({ min: 946684800, max: 946684800 + 4 })
      .map((seconds) => new Date(seconds * 1000).toUTCString());
    const request = fc.record(
      {
        'if-none-match': fc.oneof(
          fc.constant('*'),
          fc.array(entityTag, { minLength: 1, maxLength: 3 }).map((tags) => tags.join(', ')),
        ),
        'if-modified-since': httpDate,
        'cache-control': fc.constantFrom('no-cache', 'max-age=0', 'no-cache, max-age=0', 'public'),
      },
      { requiredKeys: [] },
    );
    const response = fc.record({ etag: entityTag, 'last-modified': httpDate }, { requiredKeys: [] });
    fc.assert(
      fc.property(request, response, (req, res) => {
        const headers = req as Headers;
        expect(isNotModified('GET', getter(headers), res)).toBe(fresh(headers, res));
      }),
      { numRuns: 2000 },
    );
  });

  describe('methods', () => {
    it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('never answers 304 to %s', (method) => {
      expect(isNotModified(method, getter({ 'if-none-match': '*' }), { etag: '"a"' })).toBe(false);
    });

    it('accepts a lower-case method', () => {
      expect(isNotModified('get', getter({ 'if-none-match': '"a"' }), { etag: '"a"' })).toBe(true);
    });
  });

  describe('If-None-Match', () => {
    it.each<[string, string | undefined, boolean]>([
      ['"a", "b", "c"', '"c"', true],
      ['"a","b"', 'W/"b"', true],
      ['W/"a", W/"b"', '"b"', true],
      ['"a",,, ,"b"', '"b"', true],
      ['\t"a"\t', '"a"', true],
      ['"a,b"', '"a,b"', true],
      ['"a,b"', '"a"', false],
      ['"a', '"a"', false],
      ['"a"", "b"', '"b"', false],
      ['a', 'a', false],
      ['"a" "b"', '"b"', false],
      ['w/"a"', '"a"', false],
      ['"a b"', '"a b"', false],
      ['"a"; x', '"a"', false],
      ['*', undefined, true],
      ['* ', '"x"', true],
      ['"*"', '"x"', false],
      ['*, *', '"x"', false],
      ['"a"', 'garbage', false],
      ['"a"', '"a", "b"', false],
    ])('%j against ETag %j → %s', (ifNoneMatch, tag, expected) => {
      expect(
        isNotModified(
          'GET',
          getter({ 'if-none-match': ifNoneMatch }),
          tag === undefined ? {} : { etag: tag },
        ),
      ).toBe(expected);
    });

    it('treats a huge value as non-matching without throwing', () => {
      const huge = `${'"x", '.repeat(10_000)}"a"`;
      expect(isNotModified('GET', getter({ 'if-none-match': huge }), { etag: '"a"' })).toBe(false);
    });

    it('ignores If-Modified-Since when If-None-Match is malformed (never a 304 on a broken validator)', () => {
      const request = {
        'if-none-match': '"unbalanced',
        'if-modified-since': 'Sat, 01 Jan 2000 01:00:00 GMT',
      };
      expect(
        isNotModified('GET', getter(request), {
          etag: '"a"',
          'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT',
        }),
      ).toBe(false);
    });

    it('treats an empty If-None-Match as absent, like fresh', () => {
      const request = { 'if-none-match': '', 'if-modified-since': 'Sat, 01 Jan 2000 01:00:00 GMT' };
      const response = { etag: '"a"', 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' };
      expect(fresh(request, response)).toBe(true);
      expect(isNotModified('GET', getter(request), response)).toBe(true);
    });

    it('differs from fresh on unquoted tags, which RFC 9110 §8.8.3 does not allow: no 304', () => {
      expect(fresh({ 'if-none-match': 'tobi' }, { etag: 'tobi' })).toBe(true);
      expect(isNotModified('GET', getter({ 'if-none-match': 'tobi' }), { etag: 'tobi' })).toBe(false);
    });
  });

  describe('If-Modified-Since', () => {
    const lastModified = 'Sat, 01 Jan 2000 00:00:00 GMT';

    it.each<[string, boolean]>([
      ['Sat, 01 Jan 2000 00:00:00 GMT', true],
      ['Fri, 31 Dec 1999 23:59:59 GMT', false],
      ['Saturday, 01-Jan-00 00:00:00 GMT', true],
      ['Sat Jan  1 00:00:00 2000', true],
      ['Sat Jan  1 00:00:00 1999', false],
      ['2000-01-01T01:00:00Z', false],
      ['Sat, 01 Jan 2000 01:00:00 +0000', false],
      ['sat, 01 Jan 2000 01:00:00 GMT', false],
      ['Sat, 1 Jan 2000 01:00:00 GMT', false],
      ['Sat, 32 Jan 2000 01:00:00 GMT', false],
      ['Sat, 01 Jan 2000 01:00:00 GMT, Sat, 01 Jan 2000 01:00:00 GMT', false],
      ['foo', false],
      [`Sat, 01 Jan 2000 01:00:00 GMT${' '.repeat(10_000)}x`, false],
    ])('%j against Last-Modified %j → %s', (since, expected) => {
      expect(
        isNotModified('GET', getter({ 'if-modified-since': since }), { 'last-modified': lastModified }),
      ).toBe(expected);
    });

    it('ignores a date fresh would accept but that is not an HTTP-date (RFC 9110 §13.1.3)', () => {
      const request = { 'if-modified-since': '2000-01-01T01:00:00Z' };
      const response = { 'last-modified': lastModified };
      expect(fresh(request, response)).toBe(true);
      expect(isNotModified('GET', getter(request), response)).toBe(false);
    });
  });

  it('never throws, whatever the headers', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 100 }),
        fc.string({ unit: 'binary', maxLength: 100 }),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        (ifNoneMatch, ifModifiedSince, tag) => {
          const request = { 'if-none-match': ifNoneMatch, 'if-modified-since': ifModifiedSince };
          const response = tag === undefined ? {} : { etag: tag, 'last-modified': tag };
          expect(typeof isNotModified('GET', getter(request), response)).toBe('boolean');
        },
      ),
    );
  });

  it('never throws when the header getter throws or returns odd values', () => {
    expect(
      isNotModified(
        'GET',
        () => {
          throw new Error('boom');
        },
        { etag: '"a"' },
      ),
    ).toBe(false);
    expect(isNotModified('GET', () => ['"a"'] as unknown as string, { etag: '"a"' })).toBe(true);
    expect(isNotModified('GET', () => 5 as unknown as string, { etag: '"a"' })).toBe(false);
  });
});

describe('parseIfNoneMatch', () => {
  it.each<[string, '*' | string[] | undefined]>([
    ['*', '*'],
    ['"a", W/"b"', ['"a"', '"b"']],
    ['', []],
    ['"a', undefined],
    ['"a" x', undefined],
    ['*, "a"', undefined],
    ['"\u0100"', undefined],
    ['"\u00ff"', ['"\u00ff"']],
  ])('%j → %j', (value, expected) => {
    expect(parseIfNoneMatch(value)).toEqual(expected);
  });
});

describe('parseHttpDate', () => {
  const expected = Date.UTC(1994, 10, 6, 8, 49, 37);
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', expected],
    ['Sunday, 06-Nov-94 08:49:37 GMT', expected],
    ['Sun Nov  6 08:49:37 1994', expected],
    ['Sun Nov 16 08:49:37 1994', Date.UTC(1994, 10, 16, 8, 49, 37)],
    ['Thu, 29 Feb 2024 00:00:00 GMT', Date.UTC(2024, 1, 29)],
    ['Wed, 31 Dec 2025 23:59:60 GMT', Date.UTC(2026, 0, 1)],
    ['Mon, 01 Jan 0001 00:00:00 GMT', -62135596800000],
    ['Tue, 29 Feb 0000 00:00:00 GMT', -62162121600000],
  ])('parses %j', (value, time) => {
    expect(parseHttpDate(value)).toBe(time);
  });

  it.each([
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 06 Nov 1994 08:49:37',
    'Sun, 06 Nov 94 08:49:37 GMT',
    'Sun, 06 nov 1994 08:49:37 GMT',
    'Sun,06 Nov 1994 08:49:37 GMT',
    'Sun, 29 Feb 2023 00:00:00 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 06 Nov 1994 08:60:00 GMT',
    'Sun, 06 Nov 1994 08:49:61 GMT',
    'Sun, 00 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 GMT x',
    'Sun Nov 6 08:49:37 1994',
    '1994-11-06T08:49:37Z',
    '784111777',
    '',
  ])('rejects %j', (value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });

  it('places two-digit RFC 850 years at most 50 years ahead (RFC 9110 §5.6.7)', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseHttpDate('Thursday, 01-Jan-26 00:00:00 GMT', now)).toBe(Date.UTC(2026, 0, 1));
    expect(parseHttpDate('Wednesday, 01-Jan-76 00:00:00 GMT', now)).toBe(Date.UTC(2076, 0, 1));
    expect(parseHttpDate('Saturday, 01-Jan-77 00:00:00 GMT', now)).toBe(Date.UTC(1977, 0, 1));
    expect(parseHttpDate('Thursday, 01-Jan-70 00:00:00 GMT', Date.UTC(2019, 0, 1))).toBe(0);
  });

  it('round-trips every IMF-fixdate Date produces', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2e12, max: 4e12 }), (ms) => {
        const seconds = Math.floor(ms / 1000) * 1000;
        const text = new Date(seconds).toUTCString();
        fc.pre(/^\w{3}, \d{2} \w{3} \d{4} /.test(text));
        expect(parseHttpDate(text)).toBe(seconds);
      }),
    );
  });
});

describe('buildNotModifiedHeaders', () => {
  it('exports the RFC 9110 §15.4.5 list', () => {
    expect(RETAINED_304_HEADERS).toEqual([
      'cache-control',
      'content-location',
      'date',
      'etag',
      'expires',
      'vary',
    ]);
  });

  it('keeps the retained and cache-guiding headers, drops body headers', () => {
    const headers = {
      'cache-control': 'public, max-age=60',
      'content-location': '/a',
      date: 'Sat, 01 Jan 2000 00:00:00 GMT',
      etag: 'W/"1-a"',
      expires: 'Sat, 01 Jan 2000 00:01:00 GMT',
      vary: 'accept',
      age: '3',
      'cache-status': 'routecache; hit',
      'cdn-cache-control': 'public, max-age=600',
      'surrogate-key': 'a b',
      'cache-tag': 'a,b',
      'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT',
      'content-type': 'text/html',
      'content-length': '12',
      'content-encoding': 'gzip',
      'set-cookie': ['a=1'],
      'x-custom': 'y',
    };
    expect(buildNotModifiedHeaders(headers)).toEqual({
      'cache-control': 'public, max-age=60',
      'content-location': '/a',
      date: 'Sat, 01 Jan 2000 00:00:00 GMT',
      etag: 'W/"1-a"',
      expires: 'Sat, 01 Jan 2000 00:01:00 GMT',
      vary: 'accept',
      age: '3',
      'cache-status': 'routecache; hit',
      'cdn-cache-control': 'public, max-age=600',
      'surrogate-key': 'a b',
      'cache-tag': 'a,b',
    });
  });

  it('keeps last-modified when there is no etag, and lower-cases names', () => {
    expect(
      buildNotModifiedHeaders({
        'Last-Modified': 'Sat, 01 Jan 2000 00:00:00 GMT',
        'Cache-Control': 'no-cache',
        'Content-Type': 'x',
      }),
    ).toEqual({ 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT', 'cache-control': 'no-cache' });
  });
});

describe('matchesIfNoneMatch', () => {
  it('matches an If-None-Match that repeats a valid ETag byte for byte, weak or strong', () => {
    expect(matchesIfNoneMatch('"a1"', '"a1"')).toBe(true);
    expect(matchesIfNoneMatch('W/"a1"', 'W/"a1"')).toBe(true);
    expect(matchesIfNoneMatch('W/"a1"', 'W/"a1"')).toBe(true); // remembered as valid
  });

  it('does not match an identical value that is not exactly one valid entity-tag', () => {
    expect(matchesIfNoneMatch('a1', 'a1')).toBe(false);
    expect(matchesIfNoneMatch('"a1", "b2"', '"a1", "b2"')).toBe(false);
    expect(matchesIfNoneMatch('"a1', '"a1')).toBe(false);
  });
});

describe('CONDITIONAL_REQUEST_HEADERS', () => {
  it('lists the RFC 9110 §13.1 preconditions and Range, lower-case', () => {
    expect(CONDITIONAL_REQUEST_HEADERS).toEqual([
      'if-none-match',
      'if-modified-since',
      'if-match',
      'if-unmodified-since',
      'if-range',
      'range',
    ]);
  });
});
