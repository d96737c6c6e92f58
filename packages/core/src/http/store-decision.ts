import { NEGATIVE_STATUS_CODES } from '../policy/policy';
import type { Policy, ResponseHeaders } from '../types';
import { mergeVary, parseCacheControl } from './headers';
import { hasResponseHeader, lowerCaseNames, readResponseHeader } from './response-headers';

/** Why an origin response is not stored. */
export type StoreRefusal =
  | 'method'
  | 'no-store-policy'
  | 'ttl'
  | 'partial'
  | 'not-modified'
  | 'status'
  | 'set-cookie'
  | 'cache-control'
  | 'vary-star';

/** `getStoreDecision`'s answer. */
export type StoreDecision = { store: true } | { store: false; reason: StoreRefusal };

/**
 * Decides whether an origin response may be stored (behaviour 2 of docs/architecture.md). `headers` are the
 * handler's own, before `applyPolicyHeaders`. The body size is checked by the caller while it
 * buffers.
 *
 * Refused: anything but GET (a HEAD answer has no body to keep); a `no-store` policy; a `ttl`
 * of 0 (`negativeTtl` of 0 for 404/410); a 206 or a handler's own 304; a status outside
 * `policy.statuses`; `Set-Cookie`; the handler's `Cache-Control` with `no-store` or `no-cache`
 * (or `private` on a public policy); `Vary: *` (RFC 9110 §12.5.5: never matches a later request).
 */
export function getStoreDecision(
  policy: Policy,
  status: number,
  handlerHeaders: ResponseHeaders,
  method: string,
): StoreDecision {
  const headers = lowerCaseNames(handlerHeaders);
  if (String(method).toUpperCase() !== 'GET') return { store: false, reason: 'method' };
  if (policy.scope === 'no-store') return { store: false, reason: 'no-store-policy' };
  // RFC 9111 §3.4 / §4.3.4: partial and 304 responses update an entry; they are never one.
  if (status === 206) return { store: false, reason: 'partial' };
  if (status === 304) return { store: false, reason: 'not-modified' };
  if (!policy.statuses.has(status)) return { store: false, reason: 'status' };
  const ttl = NEGATIVE_STATUS_CODES.includes(status) ? policy.negativeTtl : policy.ttl;
  if (!(ttl > 0)) return { store: false, reason: 'ttl' };
  if (hasResponseHeader(headers, 'set-cookie')) return { store: false, reason: 'set-cookie' };
  const cacheControl = readResponseHeader(headers, 'cache-control');
  if (cacheControl !== undefined) {
    const directives = parseCacheControl(cacheControl);
    // RFC 9111 §5.2.2.5 / §5.2.2.4 / §5.2.2.7: the handler opted out of (shared) storage.
    if ('no-store' in directives || 'no-cache' in directives)
      return { store: false, reason: 'cache-control' };
    if (policy.scope === 'public' && 'private' in directives)
      return { store: false, reason: 'cache-control' };
  }
  if (mergeVary(readResponseHeader(headers, 'vary')) === '*') return { store: false, reason: 'vary-star' };
  return { store: true };
}
