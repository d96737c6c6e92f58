export type * from './types';
export const VERSION: string = '0.1.0';
export { type AdapterCache, type AdapterCacheOptions, adapterCache } from './adapter-cache';
export { type BodyReadResult, isEndlessStream, readBodyWithLimit } from './body';
export { asciiText, latin1Text, ONE_WRITE_MAX_BYTES } from './body-text';
export type { PurgeCallOptions, PurgeLimits, PurgeRetryOptions, Purger } from './cdn/purger';
export {
  buildNotModifiedHeaders,
  CONDITIONAL_REQUEST_HEADERS,
  createETag,
  isNotModified,
  matchesIfNoneMatch,
  type NotModifiedOptions,
  parseHttpDate,
  parseIfNoneMatch,
  RETAINED_304_HEADERS,
} from './conditional';
export { MAX_DURATION_SECONDS, parseDuration } from './duration';
export { createCache } from './engine/create-cache';
export { isEarlyHitPolicy, isEarlyHitRequest } from './engine/early-hits';
export type { CdnHealth, HealthOptions, HealthReport, RouteHealth } from './engine/health';
export { nestPolicyError, PolicyError, PurgeError, StoreError } from './errors';
export {
  buildAgeHeader,
  buildCacheHeaders,
  buildCacheStatus,
  type CacheHeaderOptions,
  type CacheStatusEntry,
  type CacheStatusForward,
  mergeVary,
  parseCacheControl,
  TAG_HEADER_SEPARATORS,
  tagHeaderNames,
} from './headers';
export {
  buildCacheKey,
  type CacheKeyParts,
  escapeKeyPart,
  filterQuery,
  MAX_KEY_LENGTH,
  parseRequestUrl,
} from './key';
export {
  DEFAULT_KEY_HEADERS,
  type HeaderRecord,
  type KeyHeaderValues,
  normaliseKeyHeader,
  readKeyHeaders,
} from './key-headers';
export type * from './metrics/events';
export type * from './metrics/inspection';
export { originHiddenHeaders, withoutOriginHiddenHeaders } from './origin-request-headers';
export {
  CACHEABLE_STATUS_CODES,
  definePolicy,
  encodeTag,
  encodeTags,
  isValidTag,
  MAX_TAG_LENGTH,
  NEGATIVE_STATUS_CODES,
  normalizeTags,
  TRACKING_PARAMETERS,
  withVary,
} from './policy';
export { hasRequestBody } from './request-body';
export { requestHost } from './request-host';
export { type MethodRole, methodRole } from './request-method';
export { KEY_POLICY_FIELDS, mergeResponsePolicy, validateResponsePolicy } from './response-policy';
export {
  type ApplyPolicyHeadersOptions,
  applyPolicyHeaders,
  getStoreDecision,
  type StoreDecision,
  type StoreRefusal,
} from './response-rules';
export * from './rfc9111/index';
export { parseRouteKey, type RouteKey, routeLabel } from './route-key';
export { routedUrl } from './routed-url';
export { type MemoryStore, type MemoryStoreOptions, memoryStore } from './stores/memory';
export { type TieredStore, type TieredStoreOptions, tieredStore } from './stores/tiered';
export {
  WEB_CACHE_EXPIRES_HEADER,
  type WebCache,
  type WebCacheStoreOptions,
  webCacheStore,
} from './stores/web-cache';
export * from './warm/index';
