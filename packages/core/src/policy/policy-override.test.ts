import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors';
import { definePolicy } from './policy';
import { mergeResponsePolicy, validateResponsePolicy } from './policy-override';

describe('validateResponsePolicy', () => {
  it('accepts fields that only change this response', () => {
    expect(() => validateResponsePolicy({ maxAge: 5, tags: ['x'], staleIfError: 30 })).not.toThrow();
    expect(() => validateResponsePolicy({ scope: 'no-store' })).not.toThrow();
  });

  it('throws a PolicyError naming an invalid field', () => {
    expect(() => validateResponsePolicy({ maxAge: -1 })).toThrow(
      expect.objectContaining({ field: 'maxAge' }),
    );
  });

  it('rejects the fields that shape the cache key', () => {
    for (const field of ['vary', 'query', 'identify', 'shareAuthenticated'] as const) {
      expect(() => validateResponsePolicy({ [field]: undefined } as never)).toThrow(PolicyError);
      expect(() => validateResponsePolicy({ [field]: undefined } as never)).toThrow(
        expect.objectContaining({ field }),
      );
    }
  });
});

describe('mergeResponsePolicy', () => {
  it('returns a policy frozen all the way down, as definePolicy() does (a private result included)', () => {
    const route = definePolicy({ maxAge: 60, tags: ['a'], vary: ['accept-language'] });
    for (const override of [{ scope: 'private' as const }, { maxAge: 5 }, { tags: ['b'] }]) {
      const merged = mergeResponsePolicy(route, override);
      expect(Object.isFrozen(merged)).toBe(true);
      for (const value of Object.values(merged))
        if (typeof value === 'object' && value !== null)
          expect([override, Object.isFrozen(value)]).toEqual([override, true]);
    }
  });

  const route = definePolicy({ maxAge: 60, sMaxAge: 600, tags: ['products'], vary: ['accept-language'] });

  it('returns the route policy when there is no override', () => {
    expect(mergeResponsePolicy(route, undefined)).toBe(route);
  });

  it('replaces the fields the override names and keeps the others', () => {
    const merged = mergeResponsePolicy(route, { tags: ['flash-sale'], staleIfError: '1m' });
    expect(merged).toMatchObject({ scope: 'public', maxAge: 60, sMaxAge: 600, ttl: 600, staleIfError: 60 });
    expect(merged.tags).toEqual(['flash-sale']);
    expect(merged.vary).toEqual(['accept-language']);
  });

  it('derives ttl from an overridden lifetime unless ttl is given', () => {
    expect(mergeResponsePolicy(route, { sMaxAge: 5 }).ttl).toBe(5);
    expect(mergeResponsePolicy(route, { sMaxAge: 5, ttl: 30 }).ttl).toBe(30);
  });

  it('lets no-store win outright', () => {
    expect(mergeResponsePolicy(route, { scope: 'no-store' })).toMatchObject({ scope: 'no-store', ttl: 0 });
  });

  it('never stores a private answer on a route keyed as shared, and drops the shared-cache fields', () => {
    const merged = mergeResponsePolicy(route, { scope: 'private' });
    expect(merged).toMatchObject({
      scope: 'private',
      sMaxAge: undefined,
      cdnMaxAge: undefined,
      ttl: 0,
      maxAge: 60,
    });
    expect(merged.tags).toEqual([]);
    const privateRoute = definePolicy({ scope: 'private', maxAge: 60, identify: () => 'u' });
    expect(mergeResponsePolicy(privateRoute, { maxAge: 10 })).toMatchObject({ scope: 'private', ttl: 10 });
  });

  it('adds negative caching statuses to the route ones', () => {
    const withExtra = definePolicy({ maxAge: 60, statuses: [299] });
    const merged = mergeResponsePolicy(withExtra, { negativeTtl: 30 });
    expect([...merged.statuses]).toEqual(expect.arrayContaining([200, 299, 404, 410]));
  });

  it('makes the response no-store when the override is invalid', () => {
    expect(mergeResponsePolicy(route, { maxAge: -1 }).scope).toBe('no-store');
    expect(mergeResponsePolicy(route, { vary: ['x'] }).scope).toBe('no-store');
  });
});
