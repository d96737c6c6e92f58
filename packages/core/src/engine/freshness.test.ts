import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../types';
import { canServeOnError, getFreshness, getRemainingTtl, shouldRefreshEarly } from './freshness';

const T = 1_000_000;

function entry(overrides: Partial<CacheEntry> = {}): CacheEntry {
  return {
    key: 'k',
    storedAt: T - 60_000,
    freshUntil: T,
    staleWhileRevalidate: 10,
    staleIfError: 30,
    expiresAt: T + 30_000,
    tags: [],
    value: 1,
    ...overrides,
  };
}

describe('getFreshness', () => {
  it('is fresh before freshUntil', () => {
    expect(getFreshness(entry(), T - 1)).toBe('fresh');
  });

  it('is stale from freshUntil through the stale-while-revalidate window', () => {
    expect(getFreshness(entry(), T)).toBe('stale');
    expect(getFreshness(entry(), T + 9_999)).toBe('stale');
  });

  it('is stale-if-error beyond stale-while-revalidate but within stale-if-error', () => {
    expect(getFreshness(entry(), T + 10_000)).toBe('stale-if-error');
    expect(getFreshness(entry(), T + 29_999)).toBe('stale-if-error');
  });

  it('is expired beyond both windows', () => {
    expect(getFreshness(entry(), T + 30_000)).toBe('expired');
    expect(getFreshness(entry({ staleWhileRevalidate: 0, staleIfError: 0 }), T)).toBe('expired');
  });

  it('stays stale (not stale-if-error) when stale-while-revalidate is the longer window', () => {
    expect(getFreshness(entry({ staleWhileRevalidate: 60, staleIfError: 5 }), T + 30_000)).toBe('stale');
  });
});

describe('canServeOnError', () => {
  it('allows both grace windows and nothing else', () => {
    expect(canServeOnError('stale')).toBe(true);
    expect(canServeOnError('stale-if-error')).toBe(true);
    expect(canServeOnError('expired')).toBe(false);
    expect(canServeOnError('fresh')).toBe(false);
  });
});

describe('getRemainingTtl', () => {
  it('counts whole seconds left (ttl + Age = lifetime), and negative seconds once stale', () => {
    // 17.5 s after storing a 60 s entry: Age says 17, so ttl says 43.
    expect(getRemainingTtl(entry(), T - 42_500)).toBe(43);
    expect(getRemainingTtl(entry(), T - 60_000 + 1)).toBe(60);
    expect(getRemainingTtl(entry(), T)).toBe(0);
    expect(getRemainingTtl(entry(), T + 500)).toBe(-1);
    expect(getRemainingTtl(entry(), T + 12_000)).toBe(-12);
  });
});

describe('shouldRefreshEarly', () => {
  const computed = entry({ computeMs: 1_000 });

  it('never refreshes when beta is 0 or the compute time is unknown', () => {
    expect(shouldRefreshEarly(computed, T - 1, 0, () => 0.999999)).toBe(false);
    expect(shouldRefreshEarly(entry(), T - 1, 1, () => 0.999999)).toBe(false);
  });

  it('refreshes when -delta * beta * ln(rand) reaches the remaining freshness', () => {
    // 1 - 0.9 = 0.1: -1000 * 1 * ln(0.1) = 2302 ms
    expect(shouldRefreshEarly(computed, T - 2_000, 1, () => 0.9)).toBe(true);
    expect(shouldRefreshEarly(computed, T - 2_400, 1, () => 0.9)).toBe(false);
    // beta 2 doubles the horizon
    expect(shouldRefreshEarly(computed, T - 4_000, 2, () => 0.9)).toBe(true);
  });

  it('almost never refreshes far from expiry', () => {
    expect(shouldRefreshEarly(computed, T - 3_600_000, 1, () => 0.5)).toBe(false);
  });

  it('draws nothing beyond the largest possible draw (53 ln 2 deltas), and still refreshes within it', () => {
    const largest = 1 - 2 ** -53; // the largest double below 1
    const bound = 1_000 * 53 * Math.LN2; // ≈ 36 737 ms
    expect(shouldRefreshEarly(computed, T - Math.floor(bound), 1, () => largest)).toBe(true);
    let draws = 0;
    const counted = () => {
      draws++;
      return largest;
    };
    expect(shouldRefreshEarly(computed, T - Math.ceil(bound) - 1, 1, counted)).toBe(false);
    expect(draws).toBe(0);
  });

  it('does not refresh an entry that is already stale (that is the stale path)', () => {
    expect(shouldRefreshEarly(computed, T + 1, 1, () => 0.999)).toBe(false);
  });
});
