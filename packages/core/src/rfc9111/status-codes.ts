/**
 * Status codes as RFC 9110 §15.1 and RFC 9111 §3 / §5.2.2.3 classify them for a shared cache.
 */

/**
 * Heuristically cacheable status codes (RFC 9110 §15.1): a response with one of them may be
 * stored and given a heuristic freshness lifetime (RFC 9111 §4.2.2) without explicit freshness.
 */
export const HEURISTICALLY_CACHEABLE_STATUS_CODES: readonly number[] = Object.freeze([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
]);

/**
 * The status codes whose caching requirements this cache understands and implements, for
 * `must-understand` (RFC 9111 §5.2.2.3). 206 is left out: partial content is never stored here.
 */
export const UNDERSTOOD_STATUS_CODES: readonly number[] = Object.freeze([
  200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501,
]);

/** True for a heuristically cacheable status (RFC 9110 §15.1). */
export function isHeuristicallyCacheable(status: number): boolean {
  return HEURISTICALLY_CACHEABLE_STATUS_CODES.includes(status);
}

/** True when `must-understand` may be honoured for `status` (RFC 9111 §5.2.2.3). */
export function isUnderstoodStatus(status: number): boolean {
  return UNDERSTOOD_STATUS_CODES.includes(status);
}
