import { type ResolvedCdnOptions, resolveCdnOptions } from '../cdn/cdn-options';
import { PolicyError } from '../errors';
import { SF_TOKEN, TOKEN } from '../http/grammar';
import { DEFAULT_KEY_HEADERS } from '../http/key-headers';
import { parseDuration } from '../policy/duration';
import { definePolicy } from '../policy/policy';
import type { TargetedFieldsOptions } from '../rfc9111/targeted-fields';
import { memoryStore } from '../stores/memory';
import type { CacheOptions, Logger, PolicyInput, Store, TagHeader, TargetedCacheControl } from '../types';
import { safeLogger } from '../util/safe-logger';

/** `CacheOptions` after validation and defaults. */
export interface ResolvedCacheOptions {
  readonly store: Store;
  readonly namespace: string;
  readonly maxBodyBytes: number;
  readonly defaults: Partial<PolicyInput> | undefined;
  /** Cache name in `Cache-Status`, or `false` when the header is off. */
  readonly cacheStatus: string | false;
  readonly tagHeader: TagHeader;
  /** Targeted fields that carry `cdnMaxAge`. */
  readonly targetedCacheControl: readonly TargetedCacheControl[];
  /** Targeted fields obeyed on `from: 'response'` routes, and the Surrogate-Control device token. */
  readonly targeted: TargetedFieldsOptions;
  /** CDN purgers and their retry budget. */
  readonly cdn: Pick<ResolvedCdnOptions, 'purgers' | 'retry'>;
  /** Cross-instance lock timings in ms, or `false` when off. */
  readonly lock: { readonly waitMs: number; readonly leaseMs: number } | false;
  readonly earlyRefresh: number;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly hitForMissMs: number;
  /** Freshness of `getOrSet` entries without their own `ttl`, seconds. */
  readonly defaultTtl: number;
  /** Lower-case request header names keyed whenever present. */
  readonly keyHeaders: readonly string[];
}

export const DEFAULT_MAX_BODY_BYTES = 1_048_576;
const DEFAULT_NAMESPACE = 'v1';
const DEFAULT_CACHE_NAME = 'routecache';
const DEFAULT_LOCK_WAIT_SECONDS = 5;
const DEFAULT_LOCK_LEASE_SECONDS = 10;
const DEFAULT_HIT_FOR_MISS_SECONDS = 10;
const DEFAULT_DATA_TTL_SECONDS = 60;

const KNOWN_OPTIONS = new Set<string>([
  'store',
  'namespace',
  'maxBodyBytes',
  'defaults',
  'cacheStatus',
  'tagHeader',
  'targetedCacheControl',
  'targetedFields',
  'deviceToken',
  'cdn',
  'cdnRetry',
  'lock',
  'earlyRefresh',
  'clock',
  'logger',
  'hitForMiss',
  'keyHeaders',
]);
/** RFC 9651 §3.3.4 sf-token: the cache name in `Cache-Status` (RFC 9211 §2). */
/** Visible ASCII without spaces: the namespace is the first part of every key. */
const NAMESPACE = /^[\x21-\x7e]{1,64}$/;

/** The default logger: silent (problems are still counted in `stats().errors`). */
export const SILENT_LOGGER: Logger = { warn() {}, error() {}, debug() {} };

/**
 * Validates `createCache()` options and applies the defaults.
 * @throws PolicyError naming the option.
 */
export function resolveCacheOptions(options: CacheOptions = {}): ResolvedCacheOptions {
  if (typeof options !== 'object' || options === null) {
    throw new PolicyError('options', 'createCache() takes an options object');
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) throw new PolicyError(name, `unknown createCache() option`);
  }
  const defaults = options.defaults;
  if (defaults !== undefined) {
    if (typeof defaults !== 'object' || defaults === null)
      throw new PolicyError('defaults', 'must be an object');
    // Throws PolicyError naming the field ("… (in defaults)").
    definePolicy({}, defaults);
  }
  const clock = options.clock ?? Date.now;
  const cdn = resolveCdnOptions(options);
  if (typeof clock !== 'function')
    throw new PolicyError('clock', 'must be a function returning ms since epoch');

  return {
    store: resolveStore(options.store, clock),
    namespace: resolveNamespace(options.namespace),
    maxBodyBytes: resolveMaxBodyBytes(options.maxBodyBytes),
    defaults,
    cacheStatus: resolveCacheStatus(options.cacheStatus),
    tagHeader: cdn.tagHeader,
    targetedCacheControl: cdn.targetedCacheControl,
    targeted: resolveTargeted(options),
    cdn,
    lock: resolveLock(options.lock),
    earlyRefresh: resolveEarlyRefresh(options.earlyRefresh),
    clock,
    logger: resolveLogger(options.logger),
    hitForMissMs: parseDuration(options.hitForMiss ?? DEFAULT_HIT_FOR_MISS_SECONDS, 'hitForMiss') * 1000,
    defaultTtl:
      defaults?.ttl === undefined ? DEFAULT_DATA_TTL_SECONDS : parseDuration(defaults.ttl, 'defaults.ttl'),
    keyHeaders: resolveKeyHeaders(options.keyHeaders),
  };
}

const TARGETED_FIELDS: readonly TargetedCacheControl[] = ['cdn-cache-control', 'surrogate-control'];

function resolveTargeted(options: CacheOptions): TargetedFieldsOptions {
  const fields = options.targetedFields ?? [];
  if (!Array.isArray(fields) || fields.some((field) => !TARGETED_FIELDS.includes(field)))
    throw new PolicyError('targetedFields', `must be a list of ${TARGETED_FIELDS.join(', ')}`);
  const name = options.cacheStatus;
  const deviceToken = options.deviceToken ?? (typeof name === 'string' ? name : DEFAULT_CACHE_NAME);
  if (typeof deviceToken !== 'string' || !SF_TOKEN.test(deviceToken))
    throw new PolicyError('deviceToken', `must be a token, got ${JSON.stringify(deviceToken)}`);
  return { fields: [...new Set(fields)], deviceToken };
}

function resolveKeyHeaders(value: readonly string[] | undefined): readonly string[] {
  if (value === undefined) return DEFAULT_KEY_HEADERS;
  if (!Array.isArray(value))
    throw new PolicyError('keyHeaders', `must be an array of header names, got ${typeof value}`);
  const names: string[] = [];
  for (const name of value) {
    if (typeof name !== 'string' || !TOKEN.test(name))
      throw new PolicyError('keyHeaders', `${JSON.stringify(name)} is not a header name`);
    const lower = name.toLowerCase();
    if (!names.includes(lower)) names.push(lower);
  }
  return Object.freeze(names);
}

function resolveStore(store: Store | undefined, clock: () => number): Store {
  if (store === undefined) return memoryStore({ clock });
  if (typeof store !== 'object' || store === null) throw new PolicyError('store', 'must be a Store object');
  for (const method of ['get', 'set', 'delete', 'invalidateTags'] as const) {
    if (typeof store[method] !== 'function') throw new PolicyError('store', `must implement ${method}()`);
  }
  return store;
}

function resolveNamespace(namespace: string | undefined): string {
  if (namespace === undefined) return DEFAULT_NAMESPACE;
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new PolicyError('namespace', 'must be 1-64 visible ASCII characters without spaces');
  }
  return namespace;
}

function resolveMaxBodyBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_BODY_BYTES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new PolicyError('maxBodyBytes', `must be a whole number of bytes >= 0, got ${String(value)}`);
  }
  return value;
}

function resolveCacheStatus(value: boolean | string | undefined): string | false {
  if (value === undefined || value === true) return DEFAULT_CACHE_NAME;
  if (value === false) return false;
  if (typeof value !== 'string' || !SF_TOKEN.test(value)) {
    throw new PolicyError('cacheStatus', 'must be a boolean or a cache name token such as "my-cache"');
  }
  return value;
}

function resolveLock(value: CacheOptions['lock']): ResolvedCacheOptions['lock'] {
  if (value === false) return false;
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new PolicyError('lock', 'must be false or { wait?, lease? }');
  }
  for (const name of Object.keys(value ?? {})) {
    if (name !== 'wait' && name !== 'lease') throw new PolicyError(`lock.${name}`, 'unknown lock option');
  }
  return {
    waitMs: parseDuration(value?.wait ?? DEFAULT_LOCK_WAIT_SECONDS, 'lock.wait') * 1000,
    leaseMs: Math.max(1, parseDuration(value?.lease ?? DEFAULT_LOCK_LEASE_SECONDS, 'lock.lease')) * 1000,
  };
}

function resolveEarlyRefresh(value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PolicyError('earlyRefresh', `must be a finite number >= 0 (XFetch beta), got ${String(value)}`);
  }
  return value;
}

function resolveLogger(logger: Logger | undefined): Logger {
  if (logger === undefined) return SILENT_LOGGER;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.warn !== 'function' ||
    typeof logger.error !== 'function'
  ) {
    throw new PolicyError('logger', 'must be an object with warn() and error() methods');
  }
  return safeLogger(logger);
}
