/** RFC 9111 for a shared cache, as pure functions over plain header records. */
export { type AgeTimes, getCurrentAge, hasInvalidAge, parseAge } from './current-age';
export { type Directives, parseDeltaSeconds, readCacheControl, readField, readFirstField } from './fields';
export {
  DEFAULT_MAX_HEURISTIC_SECONDS,
  type FreshnessLifetime,
  type FreshnessLifetimeOptions,
  getFreshnessLifetime,
  HEURISTIC_FRACTION,
  hasExplicitExpiration,
  type LifetimeSource,
} from './freshness-lifetime';
export { readResponseTags } from './response-tags';
export { forbidsStale, mayServeStaleDisconnected, requiresRevalidation } from './revalidation';
export { readSharedResponse, type SharedResponse, type SharedResponseInput } from './shared-response';
export { getStaleWindows, type StaleWindows } from './stale-windows';
export {
  HEURISTICALLY_CACHEABLE_STATUS_CODES,
  isHeuristicallyCacheable,
  isUnderstoodStatus,
  UNDERSTOOD_STATUS_CODES,
} from './status-codes';
export {
  getSharedStoreDecision,
  type SharedStoreDecision,
  type SharedStoreRefusal,
  type StorableRequest,
} from './storable';
export {
  readSurrogateDirectives,
  selectTargetedHeaders,
  type TargetedFieldsOptions,
} from './targeted-fields';
export {
  buildValidationHeaders,
  isSelectedForUpdate,
  NOT_UPDATED_HEADERS,
  updateStoredHeaders,
} from './validation';
export { hasVaryStar, isVaryMatch, normalizeVaryValue, parseVary, type VaryNames } from './vary';
