import { describe, expect, it } from 'vitest';
import type { ResponseHeaders } from '../types';
import { getFreshnessLifetime, hasExplicitExpiration } from './freshness-lifetime';

const DATE = 'Wed, 02 Dec 2026 12:00:00 GMT';
const RESPONSE_TIME = Date.parse('2026-12-02T12:00:00Z');
const options = { responseTime: RESPONSE_TIME };

describe('getFreshnessLifetime', () => {
  describe('when s-maxage is present (§5.2.2.10)', () => {
    it('takes it over max-age and Expires', () => {
      const headers = {
        'cache-control': 'max-age=10, s-maxage=60',
        date: DATE,
        expires: 'Wed, 02 Dec 2026 13:00:00 GMT',
      };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 60, source: 's-maxage' });
    });

    it('makes an invalid s-maxage stale rather than falling back to max-age', () => {
      expect(getFreshnessLifetime(200, { 'cache-control': 's-maxage=-1, max-age=60' }, options)).toEqual({
        lifetime: 0,
        source: 's-maxage',
      });
    });
  });

  describe('when max-age is present (§5.2.2.1)', () => {
    it.each<[string, number]>([
      ['max-age=60', 60],
      ['Max-Age=0', 0],
      ['max-age=007', 7],
      ['max-age="30"', 30],
      ['max-age=99999999999', 2147483648],
      ['max-age=60, max-age=5', 60],
    ])('reads %s as %i s', (value, lifetime) => {
      expect(getFreshnessLifetime(200, { 'cache-control': value }, options)).toEqual({
        lifetime,
        source: 'max-age',
      });
    });

    it.each(['max-age=-1', 'max-age=1.5', 'max-age=abc', 'max-age', 'max-age='])(
      'treats the invalid %s as stale',
      (value) => {
        expect(
          getFreshnessLifetime(
            200,
            { 'cache-control': value, expires: 'Thu, 01 Jan 2099 00:00:00 GMT' },
            options,
          ),
        ).toEqual({
          lifetime: 0,
          source: 'max-age',
        });
      },
    );

    it('takes it over Expires', () => {
      const headers = { 'cache-control': 'max-age=5', date: DATE, expires: 'Wed, 02 Dec 2026 13:00:00 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 5, source: 'max-age' });
    });
  });

  describe('when only Expires is present (§5.3)', () => {
    it('is Expires minus Date', () => {
      const headers = { date: DATE, expires: 'Wed, 02 Dec 2026 12:01:40 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 100, source: 'expires' });
    });

    it('uses the response time when Date is missing', () => {
      const headers = { expires: 'Wed, 02 Dec 2026 12:00:30 GMT' };
      expect(getFreshnessLifetime(200, headers, { responseTime: RESPONSE_TIME + 10_000 })).toEqual({
        lifetime: 20,
        source: 'expires',
      });
    });

    it('uses the response time when Date is invalid', () => {
      const headers = { date: 'yesterday', expires: 'Wed, 02 Dec 2026 12:00:30 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 30, source: 'expires' });
    });

    it('is measured against Date, not the response time, when both are known', () => {
      const headers = { date: 'Wed, 02 Dec 2026 11:59:00 GMT', expires: 'Wed, 02 Dec 2026 12:00:00 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 60, source: 'expires' });
    });

    it.each(['0', '-1', 'never', 'Wed, 32 Dec 2026 12:00:00 GMT'])(
      'treats the invalid Expires %s as expired',
      (expires) => {
        expect(
          getFreshnessLifetime(
            200,
            { date: DATE, expires, 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' },
            options,
          ),
        ).toEqual({
          lifetime: 0,
          source: 'expires',
        });
      },
    );

    it('is 0 for an Expires before Date', () => {
      const headers = { date: DATE, expires: 'Wed, 02 Dec 2026 11:00:00 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 0, source: 'expires' });
    });

    it('uses the first of two Expires lines', () => {
      const headers = {
        date: DATE,
        expires: ['Wed, 02 Dec 2026 12:00:10 GMT', 'Wed, 02 Dec 2026 13:00:00 GMT'],
      };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 10, source: 'expires' });
    });

    it('accepts the obsolete date formats', () => {
      const headers = { date: DATE, expires: 'Wednesday, 02-Dec-26 12:00:50 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 50, source: 'expires' });
    });
  });

  describe('when there is no explicit expiration (§4.2.2 heuristics)', () => {
    const lastModified = 'Mon, 02 Nov 2026 12:00:00 GMT'; // 30 days before DATE

    it('gives 10% of Date minus Last-Modified, capped at one day by default', () => {
      expect(getFreshnessLifetime(200, { date: DATE, 'last-modified': lastModified }, options)).toEqual({
        lifetime: 86400,
        source: 'heuristic',
      });
    });

    it('gives 10% below the cap', () => {
      const headers = { date: DATE, 'last-modified': 'Wed, 02 Dec 2026 11:00:00 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 360, source: 'heuristic' });
    });

    it('honours maxHeuristic', () => {
      expect(
        getFreshnessLifetime(
          200,
          { date: DATE, 'last-modified': lastModified },
          { ...options, maxHeuristic: 120 },
        ),
      ).toEqual({ lifetime: 120, source: 'heuristic' });
    });

    it('is off with maxHeuristic 0', () => {
      expect(
        getFreshnessLifetime(
          200,
          { date: DATE, 'last-modified': lastModified },
          { ...options, maxHeuristic: 0 },
        ),
      ).toEqual({ lifetime: 0, source: 'none' });
    });

    it.each([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501])(
      'applies to the cacheable status %i',
      (status) => {
        const headers = { date: DATE, 'last-modified': 'Wed, 02 Dec 2026 11:00:00 GMT' };
        expect(getFreshnessLifetime(status, headers, options).source).toBe('heuristic');
      },
    );

    it.each([201, 302, 307, 400, 500, 503])('does not apply to the status %i', (status) => {
      const headers = { date: DATE, 'last-modified': 'Wed, 02 Dec 2026 11:00:00 GMT' };
      expect(getFreshnessLifetime(status, headers, options)).toEqual({ lifetime: 0, source: 'none' });
    });

    it('applies to any status marked public', () => {
      const headers = {
        'cache-control': 'public',
        date: DATE,
        'last-modified': 'Wed, 02 Dec 2026 11:00:00 GMT',
      };
      expect(getFreshnessLifetime(302, headers, options)).toEqual({ lifetime: 360, source: 'heuristic' });
    });

    it('is 0 without Last-Modified or with an invalid one', () => {
      expect(getFreshnessLifetime(200, { date: DATE }, options)).toEqual({ lifetime: 0, source: 'none' });
      expect(getFreshnessLifetime(200, { date: DATE, 'last-modified': 'recently' }, options)).toEqual({
        lifetime: 0,
        source: 'none',
      });
    });

    it('is 0 for a Last-Modified after Date', () => {
      const headers = { date: DATE, 'last-modified': 'Wed, 02 Dec 2026 13:00:00 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 0, source: 'heuristic' });
    });

    it('measures from the response time without Date', () => {
      const headers: ResponseHeaders = { 'last-modified': 'Wed, 02 Dec 2026 11:00:00 GMT' };
      expect(getFreshnessLifetime(200, headers, options)).toEqual({ lifetime: 360, source: 'heuristic' });
    });
  });
});

describe('hasExplicitExpiration', () => {
  it.each<[ResponseHeaders, boolean]>([
    [{ 'cache-control': 's-maxage=1' }, true],
    [{ 'cache-control': 'max-age=0' }, true],
    [{ Expires: '0' }, true],
    [{ 'cache-control': 'public, no-cache' }, false],
    [{ 'last-modified': DATE }, false],
  ])('%j → %s', (headers, expected) => {
    expect(hasExplicitExpiration(headers)).toBe(expected);
  });
});
