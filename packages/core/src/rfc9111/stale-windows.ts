/**
 * RFC 5861: `stale-while-revalidate` and `stale-if-error` response directives.
 */
import type { ResponseHeaders } from '../types';
import { parseDeltaSeconds, readCacheControl } from './fields';
import { forbidsStale } from './revalidation';

/** The grace windows a response grants after it becomes stale, in seconds. */
export interface StaleWindows {
  /** RFC 5861 §3: served stale while one request revalidates in the background. */
  readonly staleWhileRevalidate: number;
  /** RFC 5861 §4: served stale when the origin fails (an error or a 5xx). */
  readonly staleIfError: number;
}

/**
 * The response's RFC 5861 windows: each directive's delta-seconds (an invalid argument grants
 * nothing), both 0 when the response forbids serving stale (`must-revalidate`,
 * `proxy-revalidate`, `no-cache`: RFC 9111 §4.2.4 "MUST NOT generate a stale response if it is
 * prohibited by an explicit in-protocol directive").
 *
 * A deliberate reading: `s-maxage` implies `proxy-revalidate` (RFC 9111 §5.2.2.10), yet an
 * explicit `stale-while-revalidate` / `stale-if-error` next to it is the origin permitting
 * stale use for exactly this response (RFC 9111 §4.2.4 names RFC 5861 as such a permission),
 * so `s-maxage=60, stale-while-revalidate=30` grants the 30 s, as CDNs read it.
 */
export function getStaleWindows(headers: ResponseHeaders): StaleWindows {
  if (forbidsStale(headers)) return { staleWhileRevalidate: 0, staleIfError: 0 };
  const directives = readCacheControl(headers);
  return {
    staleWhileRevalidate: parseDeltaSeconds(directives['stale-while-revalidate']) ?? 0,
    staleIfError: parseDeltaSeconds(directives['stale-if-error']) ?? 0,
  };
}
