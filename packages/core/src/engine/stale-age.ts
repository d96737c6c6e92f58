import { buildAgeHeader, parseCacheControl } from '../http/headers';
import type { CacheEntry, ResponseHeaders } from '../types';

/** The fields whose lifetimes a downstream cache (browser, CDN, Varnish) may use. */
const LIFETIME_FIELDS = ['cache-control', 'cdn-cache-control', 'surrogate-control'] as const;

/**
 * The `Age` of an answer from `entry` (RFC 9111 §5.1). A fresh entry's is its stored `Age` (0
 * unless stored by a `from: 'response'` route) plus the time since it was stored. A stale one
 * (served within `stale-while-revalidate` / `stale-if-error`) is made at least as old as the
 * longest lifetime its headers announce plus the time it has been stale, so a
 * downstream cache computes it stale too (RFC 9111 §4.2.3: `current_age > freshness_lifetime`)
 * and fetches again instead of keeping it fresh for a whole `s-maxage`: after
 * `invalidate({ mode: 'expire' })` the entry is stale long before its headers say, and a CDN's
 * soft purge would otherwise refill the CDN with it.
 */
export function buildAnswerAge(entry: CacheEntry, headers: ResponseHeaders, now: number): string {
  // An entry stored with an age of its own (a `from: 'response'` route's upstream `Age`, RFC
  // 9111 §4.2.3) keeps counting from it.
  const initial = typeof headers.age === 'string' && /^\d+$/.test(headers.age) ? Number(headers.age) : 0;
  const age = buildAgeHeader(entry.storedAt - initial * 1000, now);
  if (now < entry.freshUntil) return age;
  let lifetime = 0;
  for (const name of LIFETIME_FIELDS) {
    const value = headers[name];
    if (value === undefined) continue;
    const directives = parseCacheControl(Array.isArray(value) ? value.join(', ') : value);
    for (const directive of ['s-maxage', 'max-age']) {
      const seconds = Number(directives[directive]);
      if (Number.isFinite(seconds) && seconds > lifetime) lifetime = seconds;
    }
  }
  const staleAge = buildAgeHeader(entry.freshUntil - lifetime * 1000, now);
  return Number(staleAge) > Number(age) ? staleAge : age;
}
