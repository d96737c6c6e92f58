import type { CacheEntry } from '../types';

/**
 * Where an entry stands at a given time (RFC 5861 grace windows):
 * - `'fresh'`: before `freshUntil`, served as a hit;
 * - `'stale'`: within `staleWhileRevalidate` after it, served at once and refreshed;
 * - `'stale-if-error'`: beyond that but within `staleIfError`, served only when the origin fails;
 * - `'expired'`: unusable.
 */
export type Freshness = 'fresh' | 'stale' | 'stale-if-error' | 'expired';

/** Classifies `entry` at `now` (ms since epoch). */
export function getFreshness(entry: CacheEntry, now: number): Freshness {
  if (now < entry.freshUntil) return 'fresh';
  const staleFor = now - entry.freshUntil;
  if (staleFor < entry.staleWhileRevalidate * 1000) return 'stale';
  if (staleFor < entry.staleIfError * 1000) return 'stale-if-error';
  return 'expired';
}

/** True when a stale entry may replace a failed origin answer (it is within a grace window). */
export function canServeOnError(freshness: Freshness): boolean {
  return freshness === 'stale' || freshness === 'stale-if-error';
}

/**
 * Remaining freshness in whole seconds, negative once stale (RFC 9211 §2.3 `ttl`).
 */
export function getRemainingTtl(entry: CacheEntry, now: number): number {
  // Whole seconds consistent with `Age` (RFC 9111 §5.1, rounded down): ttl + Age = the lifetime,
  // so a fresh miss says ttl=300 for a 300 s lifetime, not 299 a millisecond later.
  // Once stale: negative, at least -1.
  const ms = entry.freshUntil - now;
  if (ms < 0) return -Math.ceil(-ms / 1000);
  const lifetime = Math.round((entry.freshUntil - entry.storedAt) / 1000);
  const age = Math.floor((now - Math.min(now, entry.storedAt)) / 1000);
  return Math.max(0, lifetime - age);
}

/** The largest value `-ln(1 - random())` takes for a `random()` in [0, 1): 53 ln 2. */
const MAX_EXPONENTIAL_DRAW = 53 * Math.LN2;

/**
 * XFetch probabilistic early refresh (Vattani et al., "Optimal Probabilistic Cache Stampede
 * Prevention", VLDB 2015): refresh a fresh entry early when
 * `-delta * beta * ln(random()) >= freshUntil - now`, where `delta` is how long the last
 * recompute took (`entry.computeMs`). Spreads refreshes of hot keys out before they expire.
 *
 * @param beta - > 1 favours earlier refreshes, < 1 later ones; 0 disables.
 * @param random - uniform in [0, 1); injectable for tests.
 */
export function shouldRefreshEarly(
  entry: CacheEntry,
  now: number,
  beta: number,
  random: () => number = Math.random,
): boolean {
  const delta = entry.computeMs;
  if (!(beta > 0) || delta === undefined || !(delta > 0)) return false;
  const remaining = entry.freshUntil - now;
  if (remaining <= 0) return false;
  // 1 - random() lies in [2^-53, 1] (the largest double below 1 is 1 - 2^-53), so the logarithm
  // is finite and -ln(1 - random()) <= 53 ln 2: beyond that many deltas nothing is drawn.
  if (remaining > delta * beta * MAX_EXPONENTIAL_DRAW) return false;
  return -delta * beta * Math.log(1 - random()) >= remaining;
}
