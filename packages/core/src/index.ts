export type * from './types';
export const VERSION: string = '0.1.0';
export type { PurgeCallOptions, PurgeLimits, PurgeRetryOptions, Purger } from './cdn/purger';
export { createCache } from './engine/create-cache';
export type { CdnHealth, HealthOptions, HealthReport, RouteHealth } from './engine/health';
export { PolicyError, PurgeError, StoreError } from './errors';
export {
  buildNotModifiedHeaders,
  createETag,
  isNotModified,
  matchesIfNoneMatch,
  type NotModifiedOptions,
  parseHttpDate,
  parseIfNoneMatch,
  RETAINED_304_HEADERS,
} from './http/conditional';
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
} from './http/headers';
export {
  buildCacheKey,
  type CacheKeyParts,
  filterQuery,
  MAX_KEY_LENGTH,
  parseRequestUrl,
} from './http/key';
export { DEFAULT_KEY_HEADERS } from './http/key-headers';
export { getStoreDecision, type StoreDecision, type StoreRefusal } from './http/store-decision';
export type * from './metrics/events';
export type * from './metrics/inspection';
export { MAX_DURATION_SECONDS, parseDuration } from './policy/duration';
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
} from './policy/policy';
export { type ApplyPolicyHeadersOptions, applyPolicyHeaders } from './policy/policy-headers';
export * from './rfc9111/index';
export { type MemoryStore, type MemoryStoreOptions, memoryStore } from './stores/memory';
export { type TieredStore, type TieredStoreOptions, tieredStore } from './stores/tiered';
export {
  WEB_CACHE_EXPIRES_HEADER,
  type WebCache,
  type WebCacheStoreOptions,
  webCacheStore,
} from './stores/web-cache';
export * from './warm/index';
