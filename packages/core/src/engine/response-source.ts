import { mergeVary } from '../http/headers';
import { readFirstField } from '../rfc9111/fields';
import { mayServeStaleDisconnected } from '../rfc9111/revalidation';
import { readSharedResponse } from '../rfc9111/shared-response';
import { selectTargetedHeaders, type TargetedFieldsOptions } from '../rfc9111/targeted-fields';
import type { OriginResponse, Policy, ResponseHeaders } from '../types';

/** How long an entry stays fresh and usable stale, seconds; `initialAge` is its age when stored. */
export interface EntryTimes {
  readonly ttl: number;
  readonly staleWhileRevalidate: number;
  readonly staleIfError: number;
  /** RFC 9111 §4.2.3 corrected initial age, seconds; kept as the stored `Age`. */
  readonly initialAge?: number;
  /**
   * How long a stale entry is kept after its grace windows so a later request can validate it
   * with the origin (RFC 9111 §4.3) instead of fetching it again, seconds; 0 for entries that
   * cannot be validated (no `ETag`, no `Last-Modified`).
   */
  readonly retain?: number;
}

/**
 * How long a `from: 'response'` entry is kept once stale, seconds, when it has a validator (a
 * stale response may be validated and reused, RFC 9111 §4.3) or may be served while the origin
 * cannot be reached (§4.2.4). One day; the store's bounds still apply.
 */
export const VALIDATION_RETENTION_SECONDS: number = 86_400;

/** What a `from: 'response'` route makes of one response. */
export type ResponseSourceDecision =
  | { readonly store: true; readonly times: EntryTimes; readonly tags: readonly string[] }
  | { readonly store: false; readonly reason: string };

/**
 * The headers a `from: 'response'` route sends: the handler's own, names lower-cased, passed
 * through as they are (a shared cache does not rewrite the origin's `Cache-Control`), with
 * `Vary` merged with the route's keyed headers (the answer does vary on them).
 */
export function buildPassThroughHeaders(policy: Policy, handlerHeaders: ResponseHeaders): ResponseHeaders {
  const headers: ResponseHeaders = {};
  for (const [name, value] of Object.entries(handlerHeaders)) headers[name.toLowerCase()] = value;
  // A Vary that already names every keyed header is passed on as the origin wrote it.
  if (policy.vary.length > 0 && !namesAll(headers.vary, policy.vary)) {
    const vary = mergeVary(headers.vary, policy.vary);
    if (vary) headers.vary = vary;
  }
  return headers;
}

/**
 * Whether a `from: 'response'` route stores a response, and for how long (RFC 9111 §3, §4.2,
 * RFC 5861 through `readSharedResponse`), with the engine's own rules on top: no `Set-Cookie`
 * (set by the handler or before the cache: one visitor's cookie is never shared), no
 * per-response override that makes it private or `no-store`, no tag that cannot be kept (it
 * could never be invalidated), and something to serve (a ttl or a grace window) or a validator
 * to revalidate it with (RFC 9111 §4.3: `no-cache` responses and responses already stale are
 * stored with a ttl of 0 and validated before each use).
 */
export function decideResponseSource(
  routeTags: readonly string[],
  response: OriginResponse,
  request: { readonly authorization: boolean; readonly requestTime: number; readonly responseTime: number },
  targeted?: TargetedFieldsOptions,
): ResponseSourceDecision {
  const { status } = response;
  // RFC 9213 §2.1: a targeted field for this cache stands in for Cache-Control and Expires.
  const headers = targeted ? selectTargetedHeaders(response.headers, targeted) : response.headers;
  if (response.preset?.['set-cookie'] !== undefined) return { store: false, reason: 'set-cookie' };
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'set-cookie'))
    return { store: false, reason: 'set-cookie' };
  const override = response.policy?.scope;
  if (override === 'private' || override === 'no-store') return { store: false, reason: 'response-policy' };
  const read = readSharedResponse(status, headers, {
    method: 'GET',
    authorization: request.authorization,
    requestTime: request.requestTime,
    responseTime: request.responseTime,
    now: request.responseTime,
  });
  if (!read.decision.store) return { store: false, reason: read.decision.reason };
  if (read.droppedTags > 0) return { store: false, reason: 'invalid-tag' };
  const validatable = hasValidator(headers);
  if (read.revalidate && !validatable) return { store: false, reason: 'no-cache' };
  if (!validatable && !(read.ttl > 0) && !(read.staleWhileRevalidate > 0) && !(read.staleIfError > 0))
    return { store: false, reason: 'stale' };
  const tags = [...new Set([...routeTags, ...read.tags])];
  return {
    store: true,
    times: {
      ttl: read.ttl,
      staleWhileRevalidate: read.staleWhileRevalidate,
      staleIfError: read.staleIfError,
      initialAge: read.age,
      // Kept once stale to be validated, or served while the origin cannot be reached (§4.2.4).
      retain: validatable || mayServeStaleDisconnected(headers) ? VALIDATION_RETENTION_SECONDS : 0,
    },
    tags,
  };
}

/** True when a stored response can be validated (RFC 9111 §4.3.1): it has an `ETag` or a `Last-Modified`. */
export function hasValidator(headers: ResponseHeaders): boolean {
  return Boolean(readFirstField(headers, 'etag')?.trim() || readFirstField(headers, 'last-modified')?.trim());
}

function namesAll(vary: string | string[] | undefined, names: readonly string[]): boolean {
  if (vary === undefined) return false;
  const listed = (Array.isArray(vary) ? vary.join(',') : vary)
    .split(',')
    .map((name) => name.trim().toLowerCase());
  return names.every((name) => listed.includes(name));
}
