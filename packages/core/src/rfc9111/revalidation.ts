/**
 * RFC 9111 §5.2.2.4 `no-cache`, §5.2.2.2 `must-revalidate`, §5.2.2.8 `proxy-revalidate`:
 * when a stored response must be validated before it is used.
 */
import type { ResponseHeaders } from '../types';
import { readCacheControl } from './fields';

/**
 * True when the response may be stored but must be validated with the origin before every
 * use, even while fresh (RFC 9111 §5.2.2.4 `no-cache`). The qualified form (`no-cache="a"`)
 * is read as the unqualified one, which §5.2.2.4 permits: the whole response is revalidated.
 */
export function requiresRevalidation(headers: ResponseHeaders): boolean {
  return 'no-cache' in readCacheControl(headers);
}

/**
 * True when the response, once stale, must not be served without validation by a shared cache
 * (RFC 9111 §4.2.4): `must-revalidate` (§5.2.2.2), `proxy-revalidate` (§5.2.2.8) or `no-cache`
 * (§5.2.2.4). `s-maxage` implies `proxy-revalidate` too (§5.2.2.10); see `getStaleWindows` for
 * how that meets RFC 5861's explicit permissions.
 */
export function forbidsStale(headers: ResponseHeaders): boolean {
  const directives = readCacheControl(headers);
  return 'must-revalidate' in directives || 'proxy-revalidate' in directives || 'no-cache' in directives;
}

/**
 * True when a shared cache that cannot reach the origin may serve the response stale (RFC 9111
 * §4.2.4: "A cache MUST NOT generate a stale response unless it is disconnected or doing so is
 * explicitly permitted"): unless `forbidsStale`, or `s-maxage` is present (§5.2.2.10: it implies
 * `proxy-revalidate`).
 */
export function mayServeStaleDisconnected(headers: ResponseHeaders): boolean {
  return !forbidsStale(headers) && !('s-maxage' in readCacheControl(headers));
}
