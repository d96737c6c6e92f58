/**
 * RFC 9111 §3: whether a shared cache may store a response.
 */
import type { ResponseHeaders } from '../types';
import { readCacheControl, readField } from './fields';
import { isHeuristicallyCacheable, isUnderstoodStatus } from './status-codes';
import { hasVaryStar } from './vary';

/** Why a shared cache does not store a response. */
export type SharedStoreRefusal =
  | 'method'
  | 'status'
  | 'partial'
  | 'not-modified'
  | 'no-store'
  | 'must-understand'
  | 'private'
  | 'authorization'
  | 'no-freshness'
  | 'vary-star';

/** `getSharedStoreDecision`'s answer. */
export type SharedStoreDecision = { store: true } | { store: false; reason: SharedStoreRefusal };

/** The request a response answers, as much as §3 needs of it. */
export interface StorableRequest {
  /** The request method (any case). Only GET responses are stored here. */
  method: string;
  /** True when the request carried `Authorization` (RFC 9111 §3.5). */
  authorization: boolean;
}

/**
 * Decides whether a shared cache may store `status` + `headers` answering `request`, in the
 * order of RFC 9111 §3:
 *
 * - only GET (§3: the method must be understood and cacheable; a HEAD answer has no body to keep);
 * - a final status (§3), never a 206 (§3.4: partial content is not stored here) nor a 304
 *   (§4.3.4: it updates an entry, it is not one);
 * - `must-understand` (§5.2.2.3): stored only for a status whose caching rules are understood,
 *   and then `no-store` is ignored; otherwise `no-store` (§5.2.2.5) forbids storage;
 * - `private` (§5.2.2.7), qualified or not: a shared cache does not store it (storing the
 *   response without the listed fields is allowed but not done here);
 * - `Authorization` on the request (§3.5): stored only with `public`, `s-maxage` or
 *   `must-revalidate`;
 * - explicit or heuristic freshness must be possible (§3): `public`, `Expires`, `max-age`,
 *   `s-maxage`, or a heuristically cacheable status (RFC 9110 §15.1);
 * - `Vary: *` (§4.1) never matches a later request, so it is not stored.
 *
 * `no-cache` does not prevent storage (§5.2.2.4: stored, revalidated before each use).
 * Header names may be in any case.
 */
export function getSharedStoreDecision(
  request: StorableRequest,
  status: number,
  headers: ResponseHeaders,
): SharedStoreDecision {
  if (String(request.method).toUpperCase() !== 'GET') return { store: false, reason: 'method' };
  if (!Number.isInteger(status) || status < 200 || status > 599) return { store: false, reason: 'status' };
  if (status === 206) return { store: false, reason: 'partial' };
  if (status === 304) return { store: false, reason: 'not-modified' };
  const directives = readCacheControl(headers);
  if ('must-understand' in directives) {
    // §5.2.2.3: a cache that understands the status ignores no-store; one that does not, does not store.
    if (!isUnderstoodStatus(status)) return { store: false, reason: 'must-understand' };
  } else if ('no-store' in directives) {
    return { store: false, reason: 'no-store' };
  }
  if ('private' in directives) return { store: false, reason: 'private' };
  if (
    request.authorization &&
    !('public' in directives || 's-maxage' in directives || 'must-revalidate' in directives)
  ) {
    return { store: false, reason: 'authorization' };
  }
  const explicit =
    'public' in directives ||
    'max-age' in directives ||
    's-maxage' in directives ||
    readField(headers, 'expires') !== undefined;
  if (!explicit && !isHeuristicallyCacheable(status)) return { store: false, reason: 'no-freshness' };
  if (hasVaryStar(headers)) return { store: false, reason: 'vary-star' };
  return { store: true };
}
