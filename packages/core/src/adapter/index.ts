/**
 * `@routecache/core/adapter`: what a framework adapter needs beyond the user API. Each helper is
 * one decision the adapters must share (route-key grammar, which request headers the handler
 * must not see, the host under trusted proxies, method roles, per-response overrides, body
 * reading), so that no adapter takes it on its own. Not part of the user API's semver promise.
 */

export { prefixPolicyError } from '../errors';
export { CONDITIONAL_REQUEST_HEADERS } from '../http/conditional';
export { escapeKeyPart } from '../http/key';
export {
  type HeaderRecord,
  type KeyHeaderValues,
  normalizeKeyHeader,
  readKeyHeaders,
} from '../http/key-headers';
export { originHiddenHeaders, withoutOriginHiddenHeaders } from '../http/origin-request-headers';
export { hasRequestBody } from '../http/request-body';
export { requestHost } from '../http/request-host';
export { type MethodRole, methodRole } from '../http/request-method';
export { KEY_POLICY_FIELDS, mergeResponsePolicy, validateResponsePolicy } from '../policy/policy-override';
export { parseRouteKey, type RouteKey, routeLabel } from '../policy/route-key';
export { settledWithin } from '../util/deadline';
export { asciiText, latin1Text, ONE_WRITE_MAX_BYTES } from './body-text';
export {
  type BodyReadResult,
  concatChunks,
  isEndlessStream,
  readBodyWithLimit,
  replayThenRest,
} from './read-body';
export { type AdapterCache, type AdapterCacheOptions, resolveAdapterCache } from './resolve-adapter-cache';
export { keepResponsePolicy, takeResponsePolicy } from './response-policy';
export { routedUrl } from './routed-url';
