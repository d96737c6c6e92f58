/**
 * RFC 9111 §4.2.1 and §4.2.2: a response's freshness lifetime as a shared cache computes it.
 */
import { parseHttpDate } from '../http/conditional';
import type { ResponseHeaders } from '../types';
import { parseDeltaSeconds, readCacheControl, readField, readFirstField } from './fields';
import { isHeuristicallyCacheable } from './status-codes';

/** Where a freshness lifetime came from. */
export type LifetimeSource = 's-maxage' | 'max-age' | 'expires' | 'heuristic' | 'none';

/** `getFreshnessLifetime`'s answer: seconds (may be fractional for `Expires`), and its source. */
export interface FreshnessLifetime {
  readonly lifetime: number;
  readonly source: LifetimeSource;
}

/** Options of `getFreshnessLifetime`. */
export interface FreshnessLifetimeOptions {
  /** When the response was received, ms since epoch: stands in for a missing or invalid `Date`. */
  responseTime: number;
  /**
   * Longest heuristic lifetime, seconds (RFC 9111 §4.2.2 leaves the upper limit to the cache);
   * 0 turns heuristic freshness off.
   * @default 86400 (one day)
   */
  maxHeuristic?: number;
}

/** Share of the time since `Last-Modified` given as heuristic lifetime (RFC 9111 §4.2.2). */
export const HEURISTIC_FRACTION: number = 0.1;

/** Default cap of heuristic freshness, seconds. */
export const DEFAULT_MAX_HEURISTIC_SECONDS: number = 86400;

/**
 * The freshness lifetime of `status` + `headers` for a shared cache (RFC 9111 §4.2.1), the
 * first that applies:
 *
 * 1. `s-maxage` (§5.2.2.10), then 2. `max-age` (§5.2.2.1): an argument that is not
 *    delta-seconds (`-1`, `1.5`, `abc`, bare) makes the response stale (lifetime 0; §4.2.1
 *    encourages treating invalid freshness information as stale), not a fall-through;
 * 3. `Expires` − `Date` (§5.3; the response time when `Date` is missing or invalid); an
 *    invalid `Expires` (`0`, a bad date) means already expired (§5.3); never below 0;
 * 4. heuristic freshness (§4.2.2) only without explicit expiration and only for a
 *    heuristically cacheable status (RFC 9110 §15.1) or a `public` response: 10% of
 *    `Date` − `Last-Modified`, capped at `maxHeuristic`; 0 without a valid `Last-Modified`.
 *
 * Directives use their first occurrence (§4.2.1). Header names may be in any case.
 */
export function getFreshnessLifetime(
  status: number,
  headers: ResponseHeaders,
  options: FreshnessLifetimeOptions,
): FreshnessLifetime {
  const directives = readCacheControl(headers);
  if ('s-maxage' in directives)
    return { lifetime: parseDeltaSeconds(directives['s-maxage']) ?? 0, source: 's-maxage' };
  if ('max-age' in directives)
    return { lifetime: parseDeltaSeconds(directives['max-age']) ?? 0, source: 'max-age' };
  const { responseTime } = options;
  const date = readDate(headers, 'date', responseTime) ?? responseTime;
  const expiresValue = readFirstField(headers, 'expires');
  if (expiresValue !== undefined) {
    const expires = parseHttpDate(expiresValue, responseTime);
    // §5.3: an invalid Expires, especially "0", is a time in the past.
    const lifetime = expires === undefined ? 0 : Math.max(0, (expires - date) / 1000);
    return { lifetime, source: 'expires' };
  }
  if (!isHeuristicallyCacheable(status) && !('public' in directives)) return { lifetime: 0, source: 'none' };
  const maxHeuristic = options.maxHeuristic ?? DEFAULT_MAX_HEURISTIC_SECONDS;
  const lastModified = readDate(headers, 'last-modified', responseTime);
  if (lastModified === undefined || !(maxHeuristic > 0)) return { lifetime: 0, source: 'none' };
  const since = Math.max(0, (date - lastModified) / 1000);
  return { lifetime: Math.min(Math.floor(since * HEURISTIC_FRACTION), maxHeuristic), source: 'heuristic' };
}

function readDate(headers: ResponseHeaders, name: string, now: number): number | undefined {
  const value = readFirstField(headers, name);
  return value === undefined ? undefined : parseHttpDate(value, now);
}

/** True when the response gives explicit expiration (RFC 9111 §4.2.1): `s-maxage`, `max-age` or `Expires`. */
export function hasExplicitExpiration(headers: ResponseHeaders): boolean {
  const directives = readCacheControl(headers);
  return 's-maxage' in directives || 'max-age' in directives || readField(headers, 'expires') !== undefined;
}
