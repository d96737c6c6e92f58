import { describe, expect, it } from 'vitest';
import { getStaleWindows } from './stale-windows';

describe('getStaleWindows', () => {
  it('reads stale-while-revalidate and stale-if-error (RFC 5861 §3, §4)', () => {
    expect(
      getStaleWindows({ 'cache-control': 'max-age=60, stale-while-revalidate=30, stale-if-error=600' }),
    ).toEqual({ staleWhileRevalidate: 30, staleIfError: 600 });
  });

  it('grants nothing without the directives', () => {
    expect(getStaleWindows({ 'cache-control': 'max-age=60' })).toEqual({
      staleWhileRevalidate: 0,
      staleIfError: 0,
    });
    expect(getStaleWindows({})).toEqual({ staleWhileRevalidate: 0, staleIfError: 0 });
  });

  it('grants them next to s-maxage (explicit permission)', () => {
    expect(getStaleWindows({ 'cache-control': 's-maxage=60, stale-while-revalidate=30' })).toEqual({
      staleWhileRevalidate: 30,
      staleIfError: 0,
    });
  });

  it.each(['-1', '1.5', 'x'])('grants nothing for the invalid argument %s', (value) => {
    expect(
      getStaleWindows({ 'cache-control': `stale-while-revalidate=${value}, stale-if-error=${value}` }),
    ).toEqual({ staleWhileRevalidate: 0, staleIfError: 0 });
  });

  it.each(['must-revalidate', 'proxy-revalidate', 'no-cache'])(
    'grants nothing with %s (RFC 9111 §4.2.4)',
    (d) => {
      expect(
        getStaleWindows({
          'cache-control': `max-age=60, ${d}, stale-while-revalidate=30, stale-if-error=60`,
        }),
      ).toEqual({ staleWhileRevalidate: 0, staleIfError: 0 });
    },
  );
});
