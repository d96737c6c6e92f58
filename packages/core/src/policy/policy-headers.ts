import { buildCacheHeaders, mergeVary, TAG_HEADER_SEPARATORS } from '../http/headers';
import { hasResponseHeader, lowerCaseNames, readResponseHeader } from '../http/response-headers';
import type { Policy, ResponseHeaders, TagHeader, TagHeaderName, TargetedCacheControl } from '../types';
import { NEGATIVE_STATUS_CODES } from './policy';

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
  const own = readResponseHeader(headers, 'cache-control');

  const coveredStatus = status === 304 ? 200 : status;
  const covered = policy.scope !== 'no-store' && policy.statuses.has(coveredStatus);
  const refused =
    policy.scope === 'no-store' ||
    (status >= 400 && !covered) ||
    (policy.scope === 'public' && hasResponseHeader(headers, 'set-cookie'));

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
        headers[name] = mergeTags(readResponseHeader(headers, name), value, separator);
      } else if (readResponseHeader(headers, name) === undefined) {
        headers[name] = value;
      }
    }
  }

  const vary = mergeVary(readResponseHeader(headers, 'vary'), policy.vary);
  if (vary) headers.vary = vary;
  if (policy.etag === false) delete headers.etag;
  for (const name of ['cache-control', 'cdn-cache-control', 'surrogate-control']) {
    const value = readResponseHeader(headers, name);
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
