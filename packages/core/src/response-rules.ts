import { buildCacheHeaders, mergeVary, parseCacheControl, TAG_HEADER_SEPARATORS } from './headers';
import { NEGATIVE_STATUS_CODES } from './policy';
import type { Policy, ResponseHeaders, TagHeader, TagHeaderName, TargetedCacheControl } from './types';

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
  if (hasHeader(headers, 'set-cookie')) return { store: false, reason: 'set-cookie' };
  const cacheControl = readHeader(headers, 'cache-control');
  if (cacheControl !== undefined) {
    const directives = parseCacheControl(cacheControl);
    // RFC 9111 §5.2.2.5 / §5.2.2.4 / §5.2.2.7: the handler opted out of (shared) storage.
    if ('no-store' in directives || 'no-cache' in directives)
      return { store: false, reason: 'cache-control' };
    if (policy.scope === 'public' && 'private' in directives)
      return { store: false, reason: 'cache-control' };
  }
  if (mergeVary(readHeader(headers, 'vary')) === '*') return { store: false, reason: 'vary-star' };
  return { store: true };
}

/** Options for `applyPolicyHeaders`. */
export interface ApplyPolicyHeadersOptions {
  /** Which header carries the tags (the cache's `tagHeader` option). */
  tagHeader: TagHeader;
  /**
   * Which targeted field(s) carry `cdnMaxAge` (the cache's `targetedCacheControl` option).
   * @default 'cdn-cache-control'
   */
  targetedCacheControl?: TargetedCacheControl | readonly TargetedCacheControl[];
}

/**
 * The headers to send with an origin response (behaviour 3 of docs/architecture.md), from the handler's own:
 *
 * - a status the policy covers (in `policy.statuses`; a 304 counts as the 200 it stands for)
 *   gets the policy's headers (`buildCacheHeaders`; for 404/410 every lifetime is capped at
 *   `negativeTtl`), except that a `Cache-Control` or `CDN-Cache-Control` the handler set wins,
 *   and tags the handler set are kept alongside the policy's;
 * - an error (status >= 400 the policy does not cover), a response with `Set-Cookie` on a
 *   public policy, and any response on a `no-store` policy get `Cache-Control: no-store` unless
 *   the handler set its own, and no tag or CDN header from the policy;
 * - other statuses the policy does not cover (201, 302, …) keep the handler's headers;
 * - `Vary` is always merged with the policy's; with `etag: false` the `ETag` is removed;
 * - a negative `max-age`/`s-maxage` the handler wrote is sent as 0.
 *
 * Header names are lower-cased. The input is not modified.
 */
export function applyPolicyHeaders(
  policy: Policy,
  status: number,
  handlerHeaders: ResponseHeaders,
  tags: readonly string[],
  options: ApplyPolicyHeadersOptions,
): ResponseHeaders {
  const headers = lowerCaseNames(handlerHeaders);
  const own = readHeader(headers, 'cache-control');

  const coveredStatus = status === 304 ? 200 : status;
  const covered = policy.scope !== 'no-store' && policy.statuses.has(coveredStatus);
  const refused =
    policy.scope === 'no-store' ||
    (status >= 400 && !covered) ||
    (policy.scope === 'public' && hasHeader(headers, 'set-cookie'));

  if (refused) {
    if (own === undefined) headers['cache-control'] = 'no-store';
  } else if (covered) {
    const effective = NEGATIVE_STATUS_CODES.includes(coveredStatus)
      ? capLifetimes(policy, policy.negativeTtl)
      : policy;
    const built = buildCacheHeaders(effective, tags, options);
    for (const [name, value] of Object.entries(built)) {
      if (name === 'vary') continue;
      if (Object.hasOwn(TAG_HEADER_SEPARATORS, name)) {
        const separator = TAG_HEADER_SEPARATORS[name as TagHeaderName];
        headers[name] = mergeTags(readHeader(headers, name), value, separator);
      } else if (readHeader(headers, name) === undefined) {
        headers[name] = value;
      }
    }
  }

  const vary = mergeVary(readHeader(headers, 'vary'), policy.vary);
  if (vary) headers.vary = vary;
  if (policy.etag === false) delete headers.etag;
  for (const name of ['cache-control', 'cdn-cache-control', 'surrogate-control']) {
    const value = readHeader(headers, name);
    // Behaviour 3 (docs/architecture.md): no header ever carries a negative max-age.
    if (value !== undefined && /(?:max-age|s-maxage)\s*=\s*"?\s*-/i.test(value)) {
      headers[name] = value.replace(/(max-age|s-maxage)\s*=\s*"?\s*-\d*(?:\.\d*)?"?/gi, '$1=0');
    }
  }
  return headers;
}

function capLifetimes(policy: Policy, cap: number): Policy {
  const known = capped.get(policy);
  if (known !== undefined && known.cap === cap) return known.policy;
  const min = (value: number | undefined): number | undefined =>
    value === undefined ? undefined : Math.min(value, cap);
  const derived: Policy = Object.freeze({
    ...policy,
    maxAge: min(policy.maxAge),
    sMaxAge: min(policy.sMaxAge),
    cdnMaxAge: min(policy.cdnMaxAge),
  });
  capped.set(policy, { cap, policy: derived });
  return derived;
}

/** Each policy with its lifetimes capped for negative answers, derived once (frozen, shared). */
const capped = new WeakMap<Policy, { cap: number; policy: Policy }>();

function mergeTags(existing: string | undefined, added: string, separator: ' ' | ','): string {
  if (existing === undefined) return added;
  const split = separator === ' ' ? /\s+/ : /\s*,\s*/;
  const tags = new Set([...existing.split(split), ...added.split(separator)].filter(Boolean));
  return [...tags].join(separator);
}

function lowerCaseNames(headers: ResponseHeaders): ResponseHeaders {
  const lower: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

function hasHeader(headers: ResponseHeaders, name: string): boolean {
  const value = headers[name];
  return value !== undefined && (!Array.isArray(value) || value.length > 0);
}

/** A header's value, list headers joined with `, ` (RFC 9110 §5.3). */
function readHeader(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value.length > 0 ? value.join(', ') : undefined) : value;
}
