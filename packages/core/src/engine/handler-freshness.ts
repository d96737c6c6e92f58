import { getCurrentAge } from '../rfc9111/current-age';
import { getFreshnessLifetime, hasExplicitExpiration } from '../rfc9111/freshness-lifetime';
import { forbidsStale } from '../rfc9111/revalidation';
import type { ResponseHeaders } from '../types';
import type { EntryTimes } from './response-source';

/**
 * A route policy's server-side times, capped by what the handler's own headers allow a shared
 * cache (issue 15, item 1): a handler on a `maxAge: 60` route that answers
 * `Cache-Control: public, max-age=5` (or `max-age=0, must-revalidate`) is not kept fresh for
 * 60 s with an `Age` past its own `max-age` (RFC 9111 §4.2.1, §5.2.2.2; RFC 9211 §2.4):
 *
 * - with explicit expiration in the handler's headers (`s-maxage`, `max-age`, `Expires`, read
 *   as a shared cache reads them, §4.2.1), the ttl is the shorter of the policy's and that
 *   lifetime less the response's age (§4.2.3);
 * - with `must-revalidate`, `proxy-revalidate` or `no-cache` (§4.2.4), no grace window is used.
 *
 * The policy's times unchanged when the handler says nothing stricter.
 */
export function capByHandlerHeaders(
  times: EntryTimes,
  status: number,
  handlerHeaders: ResponseHeaders,
  requestTime: number,
  responseTime: number,
): EntryTimes {
  let { ttl, staleWhileRevalidate, staleIfError } = times;
  if (hasExplicitExpiration(handlerHeaders)) {
    const { lifetime } = getFreshnessLifetime(status, handlerHeaders, { responseTime, maxHeuristic: 0 });
    const age = getCurrentAge(handlerHeaders, { requestTime, responseTime, now: responseTime });
    ttl = Math.min(ttl, Math.max(0, lifetime - age));
  }
  if (forbidsStale(handlerHeaders)) {
    staleWhileRevalidate = 0;
    staleIfError = 0;
  }
  if (
    ttl === times.ttl &&
    staleWhileRevalidate === times.staleWhileRevalidate &&
    staleIfError === times.staleIfError
  )
    return times;
  return { ...times, ttl, staleWhileRevalidate, staleIfError };
}
