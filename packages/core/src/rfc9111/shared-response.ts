/**
 * A response read as a shared cache reads it (RFC 9111 §3, §4.2; RFC 5861): whether to store
 * it, for how long it is fresh, how old it already is, and its grace windows. The header-driven
 * policy source (`from: 'response'`) of the engine is this function.
 */
import type { ResponseHeaders } from '../types';
import { type AgeTimes, getCurrentAge, hasInvalidAge } from './current-age';
import { type FreshnessLifetime, getFreshnessLifetime } from './freshness-lifetime';
import { readResponseTags } from './response-tags';
import { requiresRevalidation } from './revalidation';
import { getStaleWindows, type StaleWindows } from './stale-windows';
import { getSharedStoreDecision, type SharedStoreDecision, type StorableRequest } from './storable';

/** What `readSharedResponse` needs besides the response. */
export interface SharedResponseInput extends StorableRequest, AgeTimes {
  /** Heuristic freshness cap, seconds (`getFreshnessLifetime`'s `maxHeuristic`). */
  maxHeuristic?: number;
}

/** `readSharedResponse`'s answer. */
export interface SharedResponse extends StaleWindows {
  /** RFC 9111 §3. */
  readonly decision: SharedStoreDecision;
  /** RFC 9111 §4.2.1 / §4.2.2. */
  readonly freshness: FreshnessLifetime;
  /** RFC 9111 §4.2.3 at `now`, seconds. */
  readonly age: number;
  /**
   * Seconds it stays fresh from `now`: `lifetime − age`, never below 0; 0 with `no-cache`
   * (§5.2.2.4: never used without validation).
   */
  readonly ttl: number;
  /** RFC 9111 §5.2.2.4 `no-cache`: stored, revalidated before every use. */
  readonly revalidate: boolean;
  /** Tags from `Surrogate-Key` / `Cache-Tag` (`readResponseTags`). */
  readonly tags: readonly string[];
  /** Tags that could not be kept (over 128 bytes). */
  readonly droppedTags: number;
}

/**
 * Reads `status` + `headers` (the origin's own, any-case names) answering `input`'s request as
 * a shared cache: §3 storability (`getSharedStoreDecision`), §4.2.1/§4.2.2 freshness lifetime
 * (`getFreshnessLifetime`), §4.2.3 current age (`getCurrentAge`), §5.2.2.4 `no-cache`, RFC 5861
 * windows (`getStaleWindows`) and the response's tags. Pure.
 */
export function readSharedResponse(
  status: number,
  headers: ResponseHeaders,
  input: SharedResponseInput,
): SharedResponse {
  const decision = getSharedStoreDecision(input, status, headers);
  const freshness = getFreshnessLifetime(status, headers, {
    responseTime: input.responseTime,
    ...(input.maxHeuristic === undefined ? {} : { maxHeuristic: input.maxHeuristic }),
  });
  const age = getCurrentAge(headers, input);
  const revalidate = requiresRevalidation(headers);
  const { tags, dropped } = readResponseTags(headers);
  return {
    decision,
    freshness,
    age,
    // §4.2.1: invalid freshness information (here an invalid `Age`, see hasInvalidAge) is stale.
    ttl: revalidate || hasInvalidAge(headers) ? 0 : Math.max(0, freshness.lifetime - age),
    revalidate,
    ...getStaleWindows(headers),
    tags,
    droppedTags: dropped,
  };
}
