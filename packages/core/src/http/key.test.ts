import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, TRACKING_PARAMETERS } from '../policy/policy';
import {
  buildCacheKey,
  type CacheKeyParts,
  escapeKeyPart,
  filterQuery,
  MAX_KEY_LENGTH,
  parseRequestUrl,
} from './key';

const defaultQuery = definePolicy({}).query;

describe('filterQuery', () => {
  it.each<[string, string]>([
    ['', ''],
    ['?', ''],
    ['?b=2&a=1', '?a=1&b=2'],
    ['b=2&a=1', '?a=1&b=2'],
    ['?a=2&a=1&a=10', '?a=2&a=1&a=10'],
    ['?sort=b&id=3&sort=a&id=1', '?id=3&id=1&sort=b&sort=a'],
    ['?utm_source=x&utm_medium=y&fbclid=1&gclid=2&msclkid=3&page=2', '?page=2'],
    ['?_ga=1&_gl=2&mc_cid=3&mc_eid=4&yclid=5&igshid=6&ref_src=7&q=x', '?q=x'],
    ['?UTM_SOURCE=x', '?UTM_SOURCE=x'],
    ['?q=a+b&r=%20c', '?q=a+b&r=+c'],
    ['?q=%41', '?q=A'],
    ['?a=1#frag&b=2', '?a=1'],
    ['?a&b=', '?a=&b='],
    ['?=x', '?=x'],
    ['?q=%E2%82%AC', '?q=%E2%82%AC'],
  ])('canonicalises %j to %j by default', (search, expected) => {
    expect(filterQuery(search, defaultQuery).search).toBe(expected);
  });

  it('returns the kept parameters', () => {
    const { params } = filterQuery('?b=2&utm_x=1&a=1', defaultQuery);
    expect([...params]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('applies an include allowlist after the exclusions', () => {
    const query = definePolicy({ query: { include: ['page', 'sort', 'utm_source'] } }).query;
    expect(filterQuery('?sort=asc&debug=1&page=2&utm_source=x', query).search).toBe('?page=2&sort=asc');
  });

  it('applies a custom exclude list, with prefix patterns, replacing the default', () => {
    const query = definePolicy({ query: { exclude: ['debug', 'x_*'] } }).query;
    expect(filterQuery('?x_a=1&x_b=2&x=3&debug=1&utm_source=y', query).search).toBe('?utm_source=y&x=3');
  });

  it('extends the default list with [...TRACKING_PARAMETERS, name]', () => {
    const query = definePolicy({ query: { exclude: [...TRACKING_PARAMETERS, 'session'] } }).query;
    expect(filterQuery('?session=1&utm_term=2&id=3', query).search).toBe('?id=3');
  });

  it('supports include prefix patterns', () => {
    const query = definePolicy({ query: { include: ['filter_*'] } }).query;
    expect(filterQuery('?filter_a=1&filter_b=2&other=3', query).search).toBe('?filter_a=1&filter_b=2');
  });

  it('is idempotent: the canonical search canonicalises to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (search) => {
        const once = filterQuery(search, defaultQuery).search;
        expect(filterQuery(once, defaultQuery).search).toBe(once);
      }),
    );
  });

  it('never lets CR, LF or NUL through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (search) => {
        expect(filterQuery(search, defaultQuery).search).not.toMatch(/[\r\n\0]/);
      }),
    );
  });
});

const parts = (overrides: Partial<CacheKeyParts> = {}): CacheKeyParts => ({
  namespace: 'v1',
  method: 'GET',
  host: 'example.com',
  path: '/products',
  search: '?page=2',
  vary: [],
  ...overrides,
});

describe('buildCacheKey', () => {
  it('builds a readable canonical key', () => {
    expect(buildCacheKey(parts({ vary: [['accept-language', 'en']] }))).toEqual({
      key: 'v1|GET|example.com|/products|?page=2|,accept-language=en|-',
      canonical: 'v1|GET|example.com|/products|?page=2|,accept-language=en|-',
    });
  });

  it('keys HTTPS apart, with its own field, and plain HTTP as before', () => {
    expect(buildCacheKey(parts({ scheme: 'https' })).canonical).toBe(
      'v1|GET|https|example.com|/products|?page=2||-',
    );
    expect(buildCacheKey(parts({ scheme: 'http' }))).toEqual(buildCacheKey(parts()));
    // No host or path a client can send produces the HTTPS form over plain HTTP.
    const https = buildCacheKey(parts({ scheme: 'https' })).canonical;
    for (const host of [
      'https|example.com',
      'https%7Cexample.com',
      'https://example.com',
      'HTTPS|example.com',
    ])
      expect(buildCacheKey(parts({ host })).canonical).not.toBe(https);
  });

  it('keys HEAD as GET and lower-cases the host', () => {
    const get = buildCacheKey(parts());
    expect(buildCacheKey(parts({ method: 'HEAD', host: 'EXAMPLE.com' }))).toEqual(get);
    expect(buildCacheKey(parts({ method: 'head' }))).toEqual(get);
  });

  it.each<[string, Partial<CacheKeyParts>]>([
    ['namespace', { namespace: 'v2' }],
    ['method', { method: 'POST' }],
    ['host', { host: 'other.example.com' }],
    ['port', { host: 'example.com:8080' }],
    ['path', { path: '/Products' }],
    ['search', { search: '' }],
    ['a vary value', { vary: [['accept', 'text/html']] }],
    ['an absent vs empty vary value', { vary: [['accept', '']] }],
    ['an identity', { identity: 'user-1' }],
    ['an empty identity', { identity: '' }],
  ])('changes with the %s', (_, change) => {
    expect(buildCacheKey(parts(change)).canonical).not.toBe(buildCacheKey(parts()).canonical);
  });

  it('tells an absent vary header from an empty one and from no vary at all', () => {
    const keys = [[], [['accept', undefined]], [['accept', '']], [['', undefined]]].map(
      (vary) => buildCacheKey(parts({ vary: vary as unknown as CacheKeyParts['vary'] })).canonical,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('escapes separators so parts cannot shift into each other', () => {
    const a = buildCacheKey(parts({ path: '/a|GET', search: '' })).canonical;
    const b = buildCacheKey(parts({ path: '/a', search: '|GET' })).canonical;
    expect(a).not.toBe(b);
    expect(buildCacheKey(parts({ vary: [['a', '1,b=2']] })).canonical).not.toBe(
      buildCacheKey(
        parts({
          vary: [
            ['a', '1'],
            ['b', '2'],
          ],
        }),
      ).canonical,
    );
  });

  it('hashes a canonical key over 200 characters, keeping the canonical key', () => {
    const long = parts({ path: `/${'a'.repeat(300)}` });
    const { key, canonical } = buildCacheKey(long);
    expect(canonical).toContain('a'.repeat(300));
    expect(key).toMatch(/^v1:h:[A-Za-z0-9_-]{43}$/);
    expect(buildCacheKey(long).key).toBe(key);
    expect(buildCacheKey(parts({ path: `/${'a'.repeat(301)}` })).key).not.toBe(key);
  });

  it('keeps a canonical key of exactly the limit, and honours maxLength', () => {
    const base = buildCacheKey(parts({ path: '/' })).canonical.length;
    const exact = parts({ path: `/${'a'.repeat(MAX_KEY_LENGTH - base)}` });
    expect(buildCacheKey(exact).key).toBe(buildCacheKey(exact).canonical);
    expect(buildCacheKey(parts(), { maxLength: 10 }).key).toMatch(/^v1:h:/);
  });

  it('escapes controls, spaces and non-ASCII', () => {
    expect(buildCacheKey(parts({ path: '/a b\r\n\0é\u{1F600}\uD800%' })).canonical).toContain(
      '/a%20b%0D%0A%00%C3%A9%F0%9F%98%80%uD800%25',
    );
  });
});

/** Decodes a canonical key back into its parts: the proof that the encoding is injective. */
function decodeCanonical(canonical: string): CacheKeyParts {
  const decodePart = (text: string): string =>
    text.replace(
      /%u([0-9A-F]{4})|((?:%[0-9A-F]{2})+)/g,
      (_, surrogate: string | undefined, bytes: string | undefined) =>
        surrogate ? String.fromCharCode(Number.parseInt(surrogate, 16)) : decodeURIComponent(bytes!),
    );
  const fields = canonical.split('|');
  expect(fields).toHaveLength(7);
  const [namespace, method, host, path, search, vary, identity] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    namespace: decodePart(namespace),
    method: decodePart(method),
    host: decodePart(host),
    path: decodePart(path),
    search: decodePart(search),
    vary:
      vary === ''
        ? []
        : vary
            .slice(1)
            .split(',')
            .map((item) => {
              const equals = item.indexOf('=');
              return equals < 0
                ? [decodePart(item), undefined]
                : [decodePart(item.slice(0, equals)), decodePart(item.slice(equals + 1))];
            }),
    ...(identity === '-' ? {} : { identity: decodePart(identity.slice(1)) }),
  };
}

/** Strings that stress the encoding: separators, escapes and odd characters. */
const tricky = fc.string({
  unit: fc.constantFrom(
    'a',
    'B',
    '|',
    ',',
    '=',
    '%',
    '-',
    '2',
    '5',
    'C',
    'u',
    '?',
    '&',
    ' ',
    '\r',
    '\n',
    '\0',
    'é',
    '\uD800',
    '\uDC00',
    '😀',
  ),
  maxLength: 8,
});
const partsArbitrary: fc.Arbitrary<CacheKeyParts> = fc.record(
  {
    namespace: tricky,
    method: fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST'), tricky),
    host: tricky,
    path: tricky,
    search: tricky,
    vary: fc.array(fc.tuple(tricky, fc.option(tricky, { nil: undefined })), { maxLength: 3 }),
    identity: tricky,
  },
  { requiredKeys: ['namespace', 'method', 'host', 'path', 'search', 'vary'] },
);
const normalise = (p: CacheKeyParts): CacheKeyParts => {
  const method = p.method.toUpperCase();
  return { ...p, method: method === 'HEAD' ? 'GET' : method, host: p.host.toLowerCase() };
};

describe('buildCacheKey properties', () => {
  it('decodes back to its (normalised) parts, so it is injective', () => {
    fc.assert(
      fc.property(partsArbitrary, (p) => {
        expect(decodeCanonical(buildCacheKey(p).canonical)).toEqual(normalise(p));
      }),
      { numRuns: 2000 },
    );
  });

  it('never gives two different part-sets the same canonical key', () => {
    fc.assert(
      fc.property(partsArbitrary, partsArbitrary, (a, b) => {
        const same = JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
        expect(buildCacheKey(a).canonical === buildCacheKey(b).canonical).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });

  it('tells apart part-sets that a naive join of their text would conflate', () => {
    /** Neighbours of a part-set: the same characters, cut into fields differently. */
    const neighbours = (p: CacheKeyParts): CacheKeyParts[] => {
      const [first, second, ...rest] = p.vary;
      const join = ([name, value]: readonly [string, string | undefined]) =>
        value === undefined ? name : `${name}=${value}`;
      return [
        { ...p, path: p.path + p.search.slice(0, 1), search: p.search.slice(1) },
        { ...p, host: p.host + p.path.slice(0, 1), path: p.path.slice(1) },
        { ...p, path: `${p.path}|${p.search}`, search: '' },
        ...(first && second
          ? [{ ...p, vary: [[`${join(first)},${second[0]}`, second[1]] as const, ...rest] }]
          : []),
        ...(first
          ? [{ ...p, vary: [[join(first), undefined] as const, ...(second ? [second] : []), ...rest] }]
          : []),
        ...(first
          ? [{ ...p, vary: [[first[0], first[1] ?? ''] as const, ...(second ? [second] : []), ...rest] }]
          : []),
        { ...p, vary: [...p.vary, [`${p.identity ?? ''}`, undefined] as const], identity: undefined },
        { ...p, identity: p.identity === undefined ? '' : undefined },
      ];
    };
    fc.assert(
      fc.property(partsArbitrary, (a) => {
        for (const b of neighbours(a)) {
          const same = JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
          expect(buildCacheKey(a).canonical === buildCacheKey(b).canonical).toBe(same);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets CR, LF, NUL or any control character into a key', () => {
    fc.assert(
      fc.property(
        fc.record({
          namespace: fc.string({ unit: 'binary' }),
          method: fc.string({ unit: 'binary' }),
          host: fc.string({ unit: 'binary' }),
          path: fc.string({ unit: 'binary', maxLength: 300 }),
          search: fc.string({ unit: 'binary' }),
          vary: fc.array(
            fc.tuple(
              fc.string({ unit: 'binary' }),
              fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
            ),
          ),
          identity: fc.string({ unit: 'binary' }),
        }),
        (p) => {
          const { key, canonical } = buildCacheKey(p);
          expect(key).toMatch(/^[\x21-\x7e]+$/);
          expect(canonical).toMatch(/^[\x21-\x7e]+$/);
        },
      ),
    );
  });
});

describe('escapeKeyPart', () => {
  it.each([
    ['/plain/path?a=1&b=2', false, '/plain/path?a=1&b=2'],
    ['a|b%c', false, 'a%7Cb%25c'],
    ['a,b=c', true, 'a%2Cb%3Dc'],
    ['a,b=c', false, 'a,b=c'],
  ])('%j (list item %s) → %j', (value, listItem, expected) => {
    expect(escapeKeyPart(value, listItem)).toBe(expected);
  });
});

describe('parseRequestUrl', () => {
  it.each<[string, string, string]>([
    ['/', '/', ''],
    ['/a/b?c=1', '/a/b', '?c=1'],
    ['/a?', '/a', ''],
    ['/a?b?c', '/a', '?b?c'],
    ['/a#frag?x', '/a', ''],
    ['/a?x=1#frag', '/a', '?x=1'],
    ['//evil.example.com/a?x', '//evil.example.com/a', '?x'],
    ['http://example.com/a?x=1', '/a', '?x=1'],
    ['https://user@example.com:8443', '/', ''],
    ['HTTP://example.com?x', '/', '?x'],
    ['a/b', '/a/b', ''],
    ['', '/', ''],
    ['*', '/*', ''],
    ['?x=1', '/', '?x=1'],
  ])('%j → path %j, search %j', (url, path, search) => {
    expect(parseRequestUrl(url)).toEqual({ path, search });
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (url) => {
        const { path } = parseRequestUrl(url);
        expect(path.startsWith('/')).toBe(true);
      }),
    );
    expect(parseRequestUrl(undefined as unknown as string)).toEqual({ path: '/', search: '' });
  });
});
