import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors';
import type { PolicyInput } from '../types';
import {
  CACHEABLE_STATUS_CODES,
  definePolicy,
  encodeTag,
  encodeTags,
  isValidTag,
  normalizeTags,
  TRACKING_PARAMETERS,
} from './policy';

/** Runs `fn` and returns the PolicyError it throws (fails the test when it does not). */
function policyError(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('expected a PolicyError, nothing was thrown');
}

describe('definePolicy', () => {
  describe('when given an empty policy', () => {
    it('normalises to a public policy that stores nothing', () => {
      const policy = definePolicy({});
      expect(policy).toMatchObject({
        scope: 'public',
        maxAge: undefined,
        sMaxAge: undefined,
        cdnMaxAge: undefined,
        staleWhileRevalidate: 0,
        staleIfError: 0,
        immutable: false,
        mustRevalidate: false,
        noCache: false,
        ttl: 0,
        tags: [],
        vary: [],
        identify: undefined,
        etag: 'weak',
        negativeTtl: 0,
        shareAuthenticated: false,
      });
      expect(policy.query).toEqual({ include: undefined, exclude: TRACKING_PARAMETERS });
      expect([...policy.statuses]).toEqual([...CACHEABLE_STATUS_CODES]);
    });
  });

  describe('durations', () => {
    it('parses every duration field into whole seconds', () => {
      const policy = definePolicy({
        maxAge: '1m',
        sMaxAge: '1h',
        cdnMaxAge: '1d',
        staleWhileRevalidate: 30,
        staleIfError: '30s',
        ttl: '2h',
        negativeTtl: '10s',
      });
      expect(policy).toMatchObject({
        maxAge: 60,
        sMaxAge: 3600,
        cdnMaxAge: 86400,
        staleWhileRevalidate: 30,
        staleIfError: 30,
        ttl: 7200,
        negativeTtl: 10,
      });
    });

    it.each([
      'maxAge',
      'sMaxAge',
      'cdnMaxAge',
      'staleWhileRevalidate',
      'staleIfError',
      'ttl',
      'negativeTtl',
    ] as const)('rejects a negative, NaN, infinite, too long or garbage %s naming the field', (field) => {
      // Header lifetimes (maxAge, sMaxAge, cdnMaxAge) may reach 2^31 s; server-side ones a timer's 24.8 days.
      const tooLong = ['maxAge', 'sMaxAge', 'cdnMaxAge'].includes(field)
        ? [2_147_483_649, '24856d']
        : [2147484, '25d'];
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '30 days', ...tooLong]) {
        const error = policyError(() => definePolicy({ [field]: bad } as PolicyInput));
        expect(error.field).toBe(field);
        expect(error.message).toContain(`"${field}"`);
      }
    });
  });

  describe('ttl', () => {
    it.each<[PolicyInput, number]>([
      [{ maxAge: 60 }, 60],
      [{ maxAge: 60, sMaxAge: 600 }, 600],
      [{ sMaxAge: 600 }, 600],
      [{ cdnMaxAge: 600 }, 0],
      [{ maxAge: 60, ttl: 5 }, 5],
      [{ maxAge: 60, ttl: 0 }, 0],
      [{ scope: 'private', maxAge: 30 }, 30],
      [{ scope: 'private' }, 0],
      [{ scope: 'no-store' }, 0],
    ])('for %j is %i', (input, ttl) => {
      expect(definePolicy(input).ttl).toBe(ttl);
    });
  });

  describe('scope', () => {
    it('rejects an unknown scope', () => {
      expect(policyError(() => definePolicy({ scope: 'shared' as 'public' })).field).toBe('scope');
    });

    it.each(['sMaxAge', 'cdnMaxAge', 'tags'] as const)(
      'rejects %s on a private policy, naming it',
      (field) => {
        const value = field === 'tags' ? ['a'] : 60;
        const error = policyError(() => definePolicy({ scope: 'private', [field]: value }));
        expect(error.field).toBe(field);
        expect(error.message).toBe(
          `Invalid policy field "${field}": not allowed with scope "private" (shared caches only)`,
        );
      },
    );

    it('rejects function tags on a private policy', () => {
      expect(policyError(() => definePolicy({ scope: 'private', tags: () => ['a'] })).field).toBe('tags');
    });

    it.each<[keyof PolicyInput, unknown]>([
      ['sMaxAge', 60],
      ['cdnMaxAge', 60],
      ['tags', ['a']],
      ['maxAge', 60],
      ['ttl', 0],
      ['staleWhileRevalidate', 1],
      ['staleIfError', 1],
      ['immutable', false],
      ['mustRevalidate', true],
      ['noCache', true],
      ['vary', ['accept']],
      ['query', {}],
      ['identify', () => 'u'],
      ['etag', false],
      ['negativeTtl', 10],
      ['shareAuthenticated', true],
      ['statuses', [203]],
    ])('rejects %s on a no-store policy (only scope may be set)', (field, value) => {
      const error = policyError(() => definePolicy({ scope: 'no-store', [field]: value }));
      expect(error.field).toBe(field);
      expect(error.message).toContain('no-store');
    });

    it('accepts a no-store policy with nothing else and ignores undefined fields', () => {
      const policy = definePolicy({ scope: 'no-store', maxAge: undefined });
      expect(policy.scope).toBe('no-store');
      expect(policy.ttl).toBe(0);
    });
  });

  describe('tags', () => {
    it('keeps valid tags in order and drops duplicates', () => {
      expect(definePolicy({ tags: ['b', 'a', 'b', 'product:1', 'x_y-z.w/v'] }).tags).toEqual([
        'b',
        'a',
        'product:1',
        'x_y-z.w/v',
      ]);
    });

    it('accepts a 128-byte tag', () => {
      expect(definePolicy({ tags: ['a'.repeat(128)] }).tags).toEqual(['a'.repeat(128)]);
    });

    it('keeps a tags function as is', () => {
      const tags = () => ['a'];
      expect(definePolicy({ tags }).tags).toBe(tags);
    });

    it.each([
      ['with a space', 'a b'],
      ['with a tab', 'a\tb'],
      ['with a comma', 'a,b'],
      ['with CR LF', 'a\r\nx-injected: 1'],
      ['with NUL', 'a\0'],
      ['with DEL', 'a\x7f'],
      ['non-ASCII', 'café'],
      ['an emoji', 'tag🙂'],
      ['over 128 bytes', 'a'.repeat(129)],
      ['empty', ''],
    ])('rejects a tag %s', (_, tag) => {
      const error = policyError(() => definePolicy({ tags: ['ok', tag] }));
      expect(error.field).toBe('tags');
    });

    it('rejects tags that are not strings or not an array', () => {
      expect(policyError(() => definePolicy({ tags: [1 as unknown as string] })).field).toBe('tags');
      expect(policyError(() => definePolicy({ tags: 'a' as unknown as string[] })).field).toBe('tags');
    });
  });

  describe('vary', () => {
    it('lower-cases and deduplicates header names', () => {
      expect(definePolicy({ vary: ['Accept-Language', 'accept-language', 'X-Tenant'] }).vary).toEqual([
        'accept-language',
        'x-tenant',
      ]);
    });

    it.each([['*'], ['accept language'], [''], ['x\r\ny'], ['a,b'], ['ä']])('rejects %j', (name) => {
      expect(policyError(() => definePolicy({ vary: [name] })).field).toBe('vary');
    });

    it('names "*" in the message', () => {
      expect(policyError(() => definePolicy({ vary: ['*'] })).message).toContain('"*"');
    });
  });

  describe('query', () => {
    it('keeps include and exclude lists', () => {
      const policy = definePolicy({ query: { include: ['page', 'sort'], exclude: ['debug', 'x_*'] } });
      expect(policy.query).toEqual({ include: ['page', 'sort'], exclude: ['debug', 'x_*'] });
    });

    it('defaults exclude to the tracking parameters when only include is given', () => {
      expect(definePolicy({ query: { include: ['page'] } }).query.exclude).toBe(TRACKING_PARAMETERS);
    });

    it.each<[unknown, string]>([
      ['page', 'query'],
      [{ include: 'page' }, 'query.include'],
      [{ exclude: [1] }, 'query.exclude'],
      [{ exclude: [''] }, 'query.exclude'],
      [{ exclude: ['a*b'] }, 'query.exclude'],
      [{ includes: ['page'] }, 'query.includes'],
    ])('rejects %j naming %s', (query, field) => {
      expect(policyError(() => definePolicy({ query } as PolicyInput)).field).toBe(field);
    });

    it('suggests the right spelling of a query field', () => {
      expect(policyError(() => definePolicy({ query: { exlude: [] } } as PolicyInput)).message).toContain(
        'did you mean "exclude"',
      );
    });
  });

  describe('other fields', () => {
    it('accepts identify, etag, booleans and statuses', () => {
      const identify = () => 'user';
      const policy = definePolicy({
        identify,
        etag: 'strong',
        immutable: true,
        mustRevalidate: true,
        noCache: true,
        shareAuthenticated: true,
        statuses: [203, 302, 501],
      });
      expect(policy.identify).toBe(identify);
      expect(policy.etag).toBe('strong');
      expect(policy).toMatchObject({
        immutable: true,
        mustRevalidate: true,
        noCache: true,
        shareAuthenticated: true,
      });
      expect([...policy.statuses].sort()).toEqual([200, 203, 204, 300, 301, 302, 308, 501].sort());
    });

    it('accepts etag: false', () => {
      expect(definePolicy({ etag: false }).etag).toBe(false);
    });

    it('adds 404 and 410 to the statuses with a negativeTtl', () => {
      const policy = definePolicy({ negativeTtl: 10 });
      expect(policy.statuses.has(404)).toBe(true);
      expect(policy.statuses.has(410)).toBe(true);
      expect(definePolicy({}).statuses.has(404)).toBe(false);
    });

    it.each<[keyof PolicyInput, unknown]>([
      ['identify', 'user'],
      ['etag', true],
      ['etag', 'WEAK'],
      ['immutable', 'yes'],
      ['mustRevalidate', 1],
      ['noCache', null],
      ['shareAuthenticated', 'true'],
      ['statuses', 200],
      ['statuses', [200.5]],
      ['statuses', [99]],
      ['statuses', [600]],
      ['statuses', [101]],
      ['statuses', [206]],
      ['statuses', [304]],
      ['statuses', [404]],
      ['statuses', ['200']],
    ])('rejects %s = %j', (field, value) => {
      expect(policyError(() => definePolicy({ [field]: value } as PolicyInput)).field).toBe(field);
    });
  });

  describe('unknown fields', () => {
    it.each([
      ['maxage', 'maxAge'],
      ['max_age', 'maxAge'],
      ['smaxage', 'sMaxAge'],
      ['tag', 'tags'],
      ['staleWhileRevalidat', 'staleWhileRevalidate'],
      ['Scope', 'scope'],
    ])('rejects %s and suggests %s', (field, suggestion) => {
      const error = policyError(() => definePolicy({ [field]: 60 } as PolicyInput));
      expect(error.field).toBe(field);
      expect(error.message).toContain(`did you mean "${suggestion}"`);
    });

    it('rejects a field with no close match without a suggestion', () => {
      const error = policyError(() => definePolicy({ compression: true } as PolicyInput));
      expect(error.field).toBe('compression');
      expect(error.message).not.toContain('did you mean');
    });

    it('rejects a policy that is not an object', () => {
      expect(policyError(() => definePolicy(null as unknown as PolicyInput)).field).toBe('policy');
      expect(policyError(() => definePolicy([] as unknown as PolicyInput)).field).toBe('policy');
    });
  });

  describe('with defaults', () => {
    it('applies defaults first and lets route fields override them', () => {
      const policy = definePolicy(
        { maxAge: 10, tags: ['route'] },
        { maxAge: 60, staleIfError: '1h', tags: ['all'] },
      );
      expect(policy).toMatchObject({ maxAge: 10, staleIfError: 3600, tags: ['route'], ttl: 10 });
    });

    it('takes the scope from the defaults when the route has none', () => {
      expect(definePolicy({ maxAge: 5 }, { scope: 'private' }).scope).toBe('private');
    });

    it('leaves public-only defaults out of a private route', () => {
      const policy = definePolicy(
        { scope: 'private', maxAge: 5 },
        { sMaxAge: 600, cdnMaxAge: 600, tags: ['all'] },
      );
      expect(policy).toMatchObject({
        scope: 'private',
        sMaxAge: undefined,
        cdnMaxAge: undefined,
        tags: [],
        ttl: 5,
      });
    });

    it('leaves every default out of a no-store route', () => {
      const policy = definePolicy(
        { scope: 'no-store' },
        { maxAge: 60, sMaxAge: 600, tags: ['all'], vary: ['accept'] },
      );
      expect(policy).toMatchObject({ scope: 'no-store', maxAge: undefined, ttl: 0, tags: [], vary: [] });
    });

    it('still rejects a public-only field written on a private route', () => {
      expect(policyError(() => definePolicy({ scope: 'private', sMaxAge: 1 }, { maxAge: 1 })).field).toBe(
        'sMaxAge',
      );
    });

    it('rejects an invalid default even when the route overrides it', () => {
      const error = policyError(() => definePolicy({ maxAge: 1 }, { maxAge: -1 }));
      expect(error.field).toBe('maxAge');
      expect(error.message).toContain('in defaults');
    });

    it('rejects an unknown field in the defaults', () => {
      const error = policyError(() => definePolicy({}, { maxage: 1 } as PolicyInput));
      expect(error.field).toBe('maxage');
      expect(error.message).toContain('in defaults');
    });
  });

  describe('result', () => {
    it('is frozen, down to its lists and statuses', () => {
      const policy = definePolicy({ tags: ['a'], vary: ['accept'], query: { include: ['a'] } });
      expect(Object.isFrozen(policy)).toBe(true);
      expect(Object.isFrozen(policy.tags)).toBe(true);
      expect(Object.isFrozen(policy.vary)).toBe(true);
      expect(Object.isFrozen(policy.query)).toBe(true);
      expect(Object.isFrozen(policy.query.include)).toBe(true);
      expect(() => (policy.statuses as Set<number>).add(500)).toThrow(TypeError);
      expect(policy.statuses.has(500)).toBe(false);
    });

    it('does not share state with the input', () => {
      const tags = ['a'];
      const policy = definePolicy({ tags });
      tags.push('b');
      expect(policy.tags).toEqual(['a']);
    });
  });
});

describe('normalizeTags', () => {
  it('encodes what a tag header cannot carry, drops what cannot be kept, and duplicates', () => {
    expect(
      normalizeTags([
        'a',
        'a b',
        'b,c',
        'x\r\ny',
        '',
        'product:café',
        'a'.repeat(129),
        'a',
        'ok:1',
        'caf%C3%A9',
        5 as unknown as string,
      ]),
    ).toEqual(['a', 'a%20b', 'b%2Cc', 'x%0D%0Ay', 'product:caf%C3%A9', 'ok:1', 'caf%C3%A9']);
  });

  it('counts the tags it cannot keep', () => {
    expect(encodeTags(['é'.repeat(30), 'ok', '', 7 as unknown as string])).toEqual({
      tags: ['ok'],
      dropped: 3,
    });
    expect(encodeTag('\ud800x')).toBe('%EF%BF%BDx');
  });

  it('returns an empty list for a non-array', () => {
    expect(normalizeTags('a' as unknown as string[])).toEqual([]);
  });
});

describe('isValidTag', () => {
  it.each([
    ['a', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['a b', false],
    ['a,b', false],
    ['', false],
  ])('%j → %s', (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});

describe('definePolicy header lifetimes', () => {
  it('accepts a year-long maxAge for immutable assets and caps the derived ttl to the timer limit', () => {
    const policy = definePolicy({ maxAge: '365d', immutable: true });
    expect(policy.maxAge).toBe(31_536_000);
    expect(policy.ttl).toBe(2_147_483);
  });

  it('rejects a maxAge beyond 2^31 seconds (RFC 9111 §1.2.2), naming the field', () => {
    expect(() => definePolicy({ maxAge: 2_147_483_649 })).toThrow(/maxAge/);
  });

  it('still rejects a ttl beyond what a timer can hold', () => {
    expect(() => definePolicy({ ttl: '365d' })).toThrow(/ttl/);
  });
});

describe('definePolicy from', () => {
  describe('when from is left out', () => {
    it("is 'route'", () => {
      expect(definePolicy({ maxAge: 60 }).from).toBe('route');
      expect(definePolicy({}).from).toBe('route');
    });
  });

  describe("when from is 'response'", () => {
    it('is public, without lifetimes or ETag of its own', () => {
      const policy = definePolicy({ from: 'response' });
      expect(policy).toMatchObject({
        from: 'response',
        scope: 'public',
        maxAge: undefined,
        sMaxAge: undefined,
        ttl: 0,
        staleWhileRevalidate: 0,
        staleIfError: 0,
        etag: false,
        tags: [],
        vary: [],
      });
      expect(Object.isFrozen(policy)).toBe(true);
    });

    it('keeps vary, query, tags and etag', () => {
      const policy = definePolicy({
        from: 'response',
        vary: ['Accept-Language'],
        query: { include: ['page'] },
        tags: ['products'],
        etag: 'strong',
      });
      expect(policy).toMatchObject({ vary: ['accept-language'], tags: ['products'], etag: 'strong' });
      expect(policy.query.include).toEqual(['page']);
    });

    it.each([
      'scope',
      'maxAge',
      'sMaxAge',
      'ttl',
      'staleWhileRevalidate',
      'negativeTtl',
      'identify',
      'statuses',
    ])('throws naming %s, which comes from the response', (field) => {
      const value =
        field === 'scope' ? 'public' : field === 'identify' ? () => 'u' : field === 'statuses' ? [201] : 60;
      expect(() => definePolicy({ from: 'response', [field]: value } as PolicyInput)).toThrow(
        expect.objectContaining({ field, message: expect.stringMatching(/comes from the response/) }),
      );
    });

    it('throws naming from for another value', () => {
      expect(() => definePolicy({ from: 'headers' as 'response' })).toThrow(
        expect.objectContaining({ field: 'from' }),
      );
    });
  });

  describe("with defaults { from: 'response' }", () => {
    const defaults = { from: 'response' as const, maxAge: 30, tags: ['all'] };

    it('applies to a route that declares no storage of its own, with the default tags', () => {
      expect(definePolicy({}, defaults)).toMatchObject({
        from: 'response',
        tags: ['all'],
        maxAge: undefined,
      });
      expect(definePolicy({ tags: ['t'] }, defaults)).toMatchObject({ from: 'response', tags: ['t'] });
    });

    it('leaves a route with a lifetime or a scope of its own in the policy mode', () => {
      expect(definePolicy({ sMaxAge: 10 }, defaults)).toMatchObject({
        from: 'route',
        maxAge: 30,
        sMaxAge: 10,
      });
      expect(definePolicy({ scope: 'no-store' }, defaults)).toMatchObject({
        from: 'route',
        scope: 'no-store',
      });
    });

    it("leaves a route that says from: 'route' in the policy mode", () => {
      expect(definePolicy({ from: 'route' }, defaults)).toMatchObject({ from: 'route', maxAge: 30, ttl: 30 });
    });

    it('rejects an invalid default from', () => {
      expect(() => definePolicy({ maxAge: 1 }, { from: 'x' as 'route' })).toThrow(
        expect.objectContaining({ field: 'from' }),
      );
    });
  });
});
