import { describe, expect, it } from 'vitest';
import { isHeuristicallyCacheable, isUnderstoodStatus } from './status-codes';

describe('isHeuristicallyCacheable', () => {
  it.each([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501])(
    'is true for %i (RFC 9110 §15.1)',
    (s) => {
      expect(isHeuristicallyCacheable(s)).toBe(true);
    },
  );

  it.each([201, 202, 302, 303, 307, 400, 403, 500, 502, 503])('is false for %i', (s) => {
    expect(isHeuristicallyCacheable(s)).toBe(false);
  });
});

describe('isUnderstoodStatus', () => {
  it.each([200, 301, 302, 307, 404, 410])('is true for %i', (s) => {
    expect(isUnderstoodStatus(s)).toBe(true);
  });

  it.each([206, 299, 418, 500])('is false for %i', (s) => {
    expect(isUnderstoodStatus(s)).toBe(false);
  });
});
