/**
 * An entry's times, computed one way for every store and every kind of entry: when it stops
 * being fresh, how long its grace windows keep it after that, and what "expire" leaves of it.
 */

import type { CacheEntry } from './store-types';

type GraceWindows = Pick<CacheEntry, 'staleWhileRevalidate' | 'staleIfError'>;

/** Grace after `freshUntil` in ms: the longer of the two RFC 5861 windows (seconds). */
export function graceMs(windows: GraceWindows): number {
  return Math.max(windows.staleWhileRevalidate, windows.staleIfError, 0) * 1000;
}

/**
 * The times of an entry stored at `now` (ms since epoch) that is fresh for `ttl` seconds, then
 * kept for its grace windows, or for `retain` seconds when that is longer (a response kept past
 * its grace only to be revalidated, RFC 9111 §4.3).
 */
export function buildEntryTimes(
  now: number,
  ttl: number,
  windows: GraceWindows,
  retain = 0,
): Pick<CacheEntry, 'storedAt' | 'freshUntil' | 'staleWhileRevalidate' | 'staleIfError' | 'expiresAt'> {
  const freshUntil = now + ttl * 1000;
  return {
    storedAt: now,
    freshUntil,
    staleWhileRevalidate: windows.staleWhileRevalidate,
    staleIfError: windows.staleIfError,
    expiresAt: freshUntil + Math.max(graceMs(windows), retain * 1000),
  };
}

/**
 * The entry made stale at `now`, keeping its grace windows (RFC 5861): fresh until `now`, and
 * kept no longer than `now` plus its grace. `undefined` when it is already stale, which
 * "expire" leaves as it is. The Redis store does the same in Lua (`expire` in redis-scripts.ts).
 */
export function expireKeepingGrace(entry: CacheEntry, now: number): CacheEntry | undefined {
  if (entry.freshUntil <= now) return undefined;
  return { ...entry, freshUntil: now, expiresAt: Math.min(entry.expiresAt, now + graceMs(entry)) };
}
