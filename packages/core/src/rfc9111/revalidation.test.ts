import { describe, expect, it } from 'vitest';
import { forbidsStale, mayServeStaleDisconnected, requiresRevalidation } from './revalidation';

describe('requiresRevalidation', () => {
  it.each(['no-cache', 'public, No-Cache, max-age=60', 'no-cache="set-cookie"'])(
    'is true for %s',
    (value) => {
      expect(requiresRevalidation({ 'cache-control': value })).toBe(true);
    },
  );

  it.each(['max-age=60', 'must-revalidate', 'no-store', ''])('is false for %j', (value) => {
    expect(requiresRevalidation({ 'cache-control': value })).toBe(false);
  });

  it('is false without Cache-Control', () => {
    expect(requiresRevalidation({})).toBe(false);
  });
});

describe('forbidsStale', () => {
  it.each(['must-revalidate', 'proxy-revalidate', 'no-cache', 'max-age=60, Must-Revalidate'])(
    'is true for %s',
    (value) => {
      expect(forbidsStale({ 'cache-control': value })).toBe(true);
    },
  );

  it.each(['max-age=60', 's-maxage=60, stale-while-revalidate=30', 'public'])('is false for %s', (value) => {
    expect(forbidsStale({ 'cache-control': value })).toBe(false);
  });
});

describe('mayServeStaleDisconnected', () => {
  it.each<[string, boolean]>([
    ['max-age=60', true],
    ['public, max-age=60, stale-if-error=10', true],
    ['max-age=60, must-revalidate', false],
    ['max-age=60, proxy-revalidate', false],
    ['no-cache', false],
    ['s-maxage=60', false],
  ])('Cache-Control: %s -> %s (RFC 9111 §4.2.4, §5.2.2.10)', (value, expected) => {
    expect(mayServeStaleDisconnected({ 'cache-control': value })).toBe(expected);
  });
});
