/**
 * The contracts of the cache as an app uses it: `createCache()` options, the `RouteCache` API,
 * stats, invalidation and `getOrSet()` options. The other audiences have files of their own,
 * re-exported here: the policy shapes (`policy/policy-types.ts`), the store and bus contracts
 * (`stores/store-types.ts`) and the adapter exchange (`adapter/adapter-types.ts`).
 */

import type {
  CacheAnswer,
  CacheRequest,
  EarlyHits,
  EarlyHitsOptions,
  HandleOptions,
  Origin,
} from './adapter/adapter-types';
import type { PurgeRetryOptions, Purger } from './cdn/purger';
import type { HealthOptions, HealthReport } from './engine/health';
import type { MetricsSink } from './metrics/events';
import type { StoreInspection } from './metrics/inspection';
import type { Duration, Policy, PolicyInput, TagHeader, TargetedCacheControl } from './policy/policy-types';
import type { InvalidationMode, Store } from './stores/store-types';

export type {
  CacheAnswer,
  CacheRequest,
  EarlyHits,
  EarlyHitsOptions,
  HandleOptions,
  Origin,
  OriginContext,
  OriginResponse,
  ResponseHeaders,
} from './adapter/adapter-types';
export type {
  Duration,
  ETagMode,
  HeaderGetter,
  Policy,
  PolicyInput,
  PolicySource,
  QueryOptions,
  RequestInfo,
  Scope,
  TagHeader,
  TagHeaderName,
  TargetedCacheControl,
} from './policy/policy-types';
export type {
  Bus,
  BusMessage,
  CacheEntry,
  InvalidationMode,
  Store,
  StoredResponse,
  StoreLock,
  StoreSetOptions,
} from './stores/store-types';

/** Counters for one store layer. */
export interface LayerStats {
  hits: number;
  misses: number;
  errors: number;
  /** Calls skipped because the circuit breaker was open. */
  skipped?: number;
}

/** Counters for one CDN purger. */
export interface CdnStats {
  /** Purge calls the CDN acknowledged. */
  calls: number;
  /** Tags and URLs acknowledged (after de-duplication). */
  tags: number;
  urls: number;
  /** Attempts that failed and were retried. */
  retries: number;
  /** Batches given up after the retry budget (each one rejected an `invalidate()` or was logged). */
  failed: number;
  /** Tags and URLs queued or in flight right now. */
  pending: number;
}

/** Counters for the whole cache or one route. */
export interface RouteStats {
  hits: number;
  misses: number;
  /** Stale entries served (SWR or stale-if-error). */
  stale: number;
  /** Requests that waited on another request's handler run (single-flight). */
  coalesced: number;
  /** Requests that skipped the cache (Authorization, no identity, no-store, unsafe method…). */
  bypass: number;
  /** Entries written. */
  stored: number;
  /** 304 answers. */
  notModified: number;
  /** Store errors and timeouts (each became a miss). */
  errors: number;
}

export interface CacheStats extends RouteStats {
  l1?: LayerStats;
  l2?: LayerStats;
  /** Per CDN purger (by its `name`), when `cdn` is configured. */
  cdn?: Record<string, CdnStats>;
  /** Per route label (`CacheRequest.route`, e.g. `'GET /api/products/:id'`). */
  routes: Record<string, RouteStats>;
}

/** Options for `getOrSet`. */
export interface EntryOptions {
  /** Freshness; default the cache's `defaults.ttl` or 60 s. */
  ttl?: Duration;
  tags?: readonly string[];
  staleWhileRevalidate?: Duration;
  staleIfError?: Duration;
}

/** What `invalidate()` takes; every field is optional, an empty target does nothing. */
export interface InvalidationTarget {
  /** Tags: every entry carrying one of them (and the CDN's copies). */
  tags?: readonly string[];
  /** `getOrSet()` keys. */
  keys?: readonly string[];
  /** Public URLs (`https://host/path?query`): their stored GET/HEAD entries, and the CDN's copies. */
  urls?: readonly string[];
  /** `'delete'` removes; `'expire'` marks stale, so stale windows still serve them. Default `'delete'`. */
  mode?: InvalidationMode;
}

/** What `invalidate()` resolves to. */
export interface InvalidationResult {
  /** Entries removed or expired, where the store can count them. */
  keys: number;
  /** Tags processed. */
  tags: number;
}

/** Logger the cache reports problems to (`createCache({ logger })`); default silent. */
export interface Logger {
  debug?(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** Cross-instance stampede lock (behaviour 6), provided by stores that can share it. */
export interface LockOptions {
  /** How long a waiter waits for the holder's result before running the handler itself, seconds. Default 5. */
  wait?: Duration;
  /** Lease after which a dead holder's lock expires, seconds. Default 10. */
  lease?: Duration;
}

/** `createCache()` options. */
export interface CacheOptions {
  /** Where entries live. Default `memoryStore()`. */
  store?: Store;
  /** Prefix of every key; bump it to drop everything at once. Default `'v1'`. */
  namespace?: string;
  /** Largest body stored, bytes. Default 1 MiB (1048576). */
  maxBodyBytes?: number;
  /** Policy fields every route inherits. */
  defaults?: Partial<PolicyInput>;
  /** `Cache-Status` header: on (`true`, default), off, or a string naming the cache. Default name `'routecache'`. */
  cacheStatus?: boolean | string;
  /**
   * Which tag header(s) to emit. Default: the dialects of the `cdn` purgers (e.g. `Cache-Tag` with
   * Cloudflare), else `'surrogate-key'`.
   */
  tagHeader?: TagHeader;
  /**
   * Which targeted field carries `cdnMaxAge`. Default: the fields the `cdn` purgers honour (e.g.
   * `Surrogate-Control` with Fastly), else `'cdn-cache-control'`.
   */
  targetedCacheControl?: TargetedCacheControl | readonly TargetedCacheControl[];
  /**
   * Targeted fields this cache obeys on `from: 'response'` routes, as the CDN or surrogate they
   * address, in order (RFC 9213 §2.1): the first present with directives for this cache replaces
   * `Cache-Control` and `Expires` for its storage and freshness decisions (the headers sent on
   * are unchanged). `'surrogate-control'` directives may be targeted (`max-age=60;name`): only
   * those without a target or for `deviceToken` apply. Leave it empty for a plain shared cache
   * (an app's own server cache, which a CDN's field does not address).
   * @default [] (none)
   */
  targetedFields?: readonly TargetedCacheControl[];
  /**
   * This cache's name in targeted `Surrogate-Control` directives, and the token an adapter
   * advertises in `Surrogate-Capability` (W3C Edge Architecture §2.2). An sf-token.
   * @default the `Cache-Status` name, `'routecache'`
   */
  deviceToken?: string;
  /**
   * CDN purgers (`@routecache/core/cdn/varnish`, `…/fastly`, `…/cloudflare`, `…/akamai`, or your
   * own `Purger`): every `invalidate()` purges them too, and a successful unsafe request purges its
   * URL. Default: none.
   */
  cdn?: Purger | readonly Purger[];
  /** Retry budget of CDN purges. */
  cdnRetry?: PurgeRetryOptions;
  /** Cross-instance lock, used when the store supports it. */
  lock?: LockOptions | false;
  /** XFetch `beta` for probabilistic early refresh; off (0) by default. Typical 1. */
  earlyRefresh?: number;
  /** Milliseconds since epoch. Default `Date.now`. */
  clock?: () => number;
  logger?: Logger;
  /** How long an uncacheable result is remembered (hit-for-miss), seconds. Default 10. */
  hitForMiss?: Duration;
  /**
   * Request headers that join the shared key whenever a request carries them (lower-case names;
   * their values are normalised): the well-known override and forwarding headers, which apps and
   * frameworks read to build absolute URLs or to rewrite the path or method, so an attacker's
   * value only ever reaches the attacker's own entry. Giving a list replaces the default; use
   * `[...DEFAULT_KEY_HEADERS, 'x-tenant']` to extend it, `[]` to key on none of them.
   * `X-Forwarded-For` is not in it (per client: keying it would end sharing).
   * @default DEFAULT_KEY_HEADERS
   */
  keyHeaders?: readonly string[];
}

/** The cache. One per app (or shared between adapters). */
export interface RouteCache {
  /** Data-level cache-aside on the same store and invalidation. */
  getOrSet<T>(key: string, load: () => Promise<T>, options?: EntryOptions): Promise<T>;
  /**
   * Removes (or expires) entries by tag or key, on every instance reached by the store's bus,
   * then purges every `cdn` purger (soft purge for `'expire'` where the CDN has one). `keys` are
   * `getOrSet` keys; `urls` are public URLs (`https://host/path?query`) dropped from the store and
   * purged from the CDN. Rejects with a `StoreError` when the store failed, or a `PurgeError`
   * naming the CDN that did not acknowledge within its retry budget.
   */
  invalidate(target: InvalidationTarget): Promise<InvalidationResult>;
  /**
   * The request-level entry point every adapter calls. Returns the answer itself when it is
   * known at once (a hit in an in-process store, a 304), so an adapter can send it without
   * waiting a microtask; otherwise a promise. It never throws: failures reject the promise.
   */
  handle(
    request: CacheRequest,
    policy: Policy,
    origin: Origin,
    options?: HandleOptions,
  ): CacheAnswer | Promise<CacheAnswer>;
  /**
   * An early door into this cache, for adapters whose framework runs a pipeline (guards, pipes,
   * interceptors) before the point where `handle()` is called: it answers public fresh hits
   * from the same entries, before that pipeline. Opt-in, see `EarlyHits`. Every `createCache()`
   * cache has it; optional for caches written by hand (wrappers, test doubles).
   */
  earlyHits?(options?: EarlyHitsOptions): EarlyHits;
  /** Validates and normalises a policy against this cache's `defaults`. */
  definePolicy(input: PolicyInput): Policy;
  stats(): CacheStats;
  /**
   * Attaches a metrics sink (see `MetricsSink`; `@routecache/core/prometheus` and
   * `@routecache/core/otel` build them); returns its detach function. While no sink is
   * attached nothing is measured.
   */
  observe(sink: MetricsSink): () => void;
  /** The store's state right now (L1 usage vs bounds, breaker, bus): cheap, synchronous. */
  inspect(): StoreInspection;
  /**
   * A report for readiness probes and dashboards: L1 against its bound, L2 reachability and
   * latency (a PING bounded by `timeoutMs`), breaker, bus and last heartbeat, hit ratio per
   * route over a recent window, optionally key counts and memory per prefix from a bounded
   * sample. Never rejects: a failing part is reported as such.
   */
  health(options?: HealthOptions): Promise<HealthReport>;
  close(): Promise<void>;
  /** Resolved options (read-only). */
  readonly options: Readonly<{
    maxBodyBytes: number;
    namespace: string;
    cacheStatus: string | false;
    tagHeader: TagHeader;
    targetedCacheControl: readonly TargetedCacheControl[];
  }>;
}
