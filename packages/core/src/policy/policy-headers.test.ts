import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy } from './policy';
import { applyPolicyHeaders } from './policy-headers';

describe('applyPolicyHeaders', () => {
  const options = { tagHeader: 'surrogate-key' } as const;
  const policy = definePolicy({
    maxAge: 60,
    sMaxAge: 600,
    cdnMaxAge: 3600,
    vary: ['accept-language'],
    tags: ['products'],
  });

  it('adds the policy headers to a covered status, keeping the handler headers', () => {
    expect(
      applyPolicyHeaders(policy, 200, { 'Content-Type': 'text/html', etag: 'W/"a"' }, ['p:1'], options),
    ).toEqual({
      'content-type': 'text/html',
      etag: 'W/"a"',
      'cache-control': 'public, max-age=60, s-maxage=600',
      'cdn-cache-control': 'public, max-age=3600',
      'surrogate-key': 'p:1',
      vary: 'accept-language',
    });
  });

  it("uses the policy's tag list when given it, in the chosen dialect", () => {
    expect(applyPolicyHeaders(policy, 200, {}, ['a', 'b'], { tagHeader: 'both' })).toMatchObject({
      'surrogate-key': 'a b',
      'cache-tag': 'a,b',
    });
    expect(applyPolicyHeaders(policy, 200, {}, ['a'], { tagHeader: false })).not.toHaveProperty(
      'surrogate-key',
    );
  });

  it("lets the handler's own cache-control and cdn-cache-control win", () => {
    const headers = applyPolicyHeaders(
      policy,
      200,
      { 'cache-control': 'public, max-age=5', 'cdn-cache-control': 'max-age=10' },
      [],
      options,
    );
    expect(headers['cache-control']).toBe('public, max-age=5');
    expect(headers['cdn-cache-control']).toBe('max-age=10');
  });

  it("merges the handler's tags with the policy's", () => {
    const headers = applyPolicyHeaders(
      policy,
      200,
      { 'surrogate-key': 'own shared' },
      ['shared', 'p:1'],
      options,
    );
    expect(headers['surrogate-key']).toBe('own shared p:1');
  });

  it("merges the handler's vary with the policy's", () => {
    expect(applyPolicyHeaders(policy, 200, { vary: 'Accept-Encoding' }, [], options).vary).toBe(
      'accept-encoding, accept-language',
    );
    expect(applyPolicyHeaders(policy, 500, { vary: ['Accept', '*'] }, [], options).vary).toBe('*');
  });

  it.each([500, 502, 503, 400, 401, 403, 404, 410, 429])(
    'sends no-store and no policy header on a %i',
    (status) => {
      expect(applyPolicyHeaders(policy, status, { 'content-type': 'text/plain' }, ['p:1'], options)).toEqual({
        'content-type': 'text/plain',
        'cache-control': 'no-store',
        vary: 'accept-language',
      });
    },
  );

  it("keeps the handler's own cache-control on an error", () => {
    expect(
      applyPolicyHeaders(policy, 503, { 'cache-control': 'max-age=5' }, [], options)['cache-control'],
    ).toBe('max-age=5');
  });

  it('covers a 404 with a negativeTtl, capping every lifetime at it', () => {
    const negative = definePolicy({
      maxAge: 60,
      sMaxAge: 600,
      cdnMaxAge: 3600,
      negativeTtl: 10,
      tags: ['t'],
    });
    expect(applyPolicyHeaders(negative, 404, {}, ['t'], options)).toEqual({
      'cache-control': 'public, max-age=10, s-maxage=10',
      'cdn-cache-control': 'public, max-age=10',
      'surrogate-key': 't',
    });
    expect(applyPolicyHeaders(definePolicy({ ttl: 60, negativeTtl: 10 }), 410, {}, [], options)).toEqual({
      'cache-control': 'public, max-age=0',
    });
  });

  it('covers a 5xx listed in statuses', () => {
    expect(applyPolicyHeaders(definePolicy({ maxAge: 5, statuses: [501] }), 501, {}, [], options)).toEqual({
      'cache-control': 'public, max-age=5',
    });
  });

  it('gives a 304 the headers of the 200 it stands for (RFC 9110 §15.4.5)', () => {
    expect(applyPolicyHeaders(policy, 304, {}, ['p:1'], options)).toMatchObject({
      'cache-control': 'public, max-age=60, s-maxage=600',
      'surrogate-key': 'p:1',
    });
  });

  it.each([201, 302, 307])('leaves a %i the policy does not cover as the handler sent it', (status) => {
    expect(applyPolicyHeaders(policy, status, { location: '/x' }, ['p:1'], options)).toEqual({
      location: '/x',
      vary: 'accept-language',
    });
  });

  it('never sends shared-cache headers with Set-Cookie on a public policy', () => {
    expect(applyPolicyHeaders(policy, 200, { 'set-cookie': ['s=1'] }, ['p:1'], options)).toEqual({
      'set-cookie': ['s=1'],
      'cache-control': 'no-store',
      vary: 'accept-language',
    });
  });

  it('sends the private policy headers with Set-Cookie on a private policy', () => {
    const privatePolicy = definePolicy({ scope: 'private', maxAge: 30 });
    expect(
      applyPolicyHeaders(privatePolicy, 200, { 'set-cookie': 's=1' }, [], options)['cache-control'],
    ).toBe('private, max-age=30');
  });

  it('sends no-store on every status of a no-store policy', () => {
    const noStore = definePolicy({ scope: 'no-store' });
    for (const status of [200, 404, 500]) {
      expect(applyPolicyHeaders(noStore, status, {}, ['a'], options)).toEqual({
        'cache-control': 'no-store',
      });
    }
  });

  it('removes the etag with etag: false, on any status', () => {
    const noEtag = definePolicy({ maxAge: 5, etag: false });
    expect(applyPolicyHeaders(noEtag, 200, { ETag: '"a"' }, [], options)).toEqual({
      'cache-control': 'public, max-age=5',
    });
    expect(applyPolicyHeaders(noEtag, 500, { etag: '"a"' }, [], options)).toEqual({
      'cache-control': 'no-store',
    });
  });

  it('never sends a negative max-age, even one the handler wrote', () => {
    expect(
      applyPolicyHeaders(
        policy,
        200,
        { 'cache-control': 'public, max-age=-5, s-maxage="-1"', 'cdn-cache-control': 'max-age = -10' },
        [],
        options,
      ),
    ).toMatchObject({ 'cache-control': 'public, max-age=0, s-maxage=0', 'cdn-cache-control': 'max-age=0' });
  });

  it('does not modify its input', () => {
    const handler = { etag: '"a"', vary: 'accept' };
    applyPolicyHeaders(definePolicy({ etag: false, vary: ['x'] }), 200, handler, [], options);
    expect(handler).toEqual({ etag: '"a"', vary: 'accept' });
  });
});

describe('applyPolicyHeaders header injection (property)', () => {
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom('\r', '\n', '\0', 'a', ' ', ',', ':'), maxLength: 20 }),
  );

  it('adds no CR, LF or NUL to any header, whatever the tags', () => {
    const policy = definePolicy({ maxAge: 60, sMaxAge: 60, cdnMaxAge: 60, vary: ['accept'], tags: () => [] });
    fc.assert(
      fc.property(
        fc.array(hostile, { maxLength: 6 }),
        fc.constantFrom(200, 304, 404, 500),
        fc.constantFrom('surrogate-key', 'cache-tag', 'both', false) as fc.Arbitrary<
          'surrogate-key' | 'cache-tag' | 'both' | false
        >,
        (tags, status, tagHeader) => {
          const headers = applyPolicyHeaders(policy, status, { 'content-type': 'text/plain' }, tags, {
            tagHeader,
          });
          for (const value of Object.values(headers)) expect(String(value)).not.toMatch(/[\r\n\0]/);
        },
      ),
    );
  });
});
