/**
 * The contracts every part of routecache shares: the policy shapes, the store and bus
 * interfaces, stats, and the request/response exchange between an adapter and the engine.
 *
 * Adapters translate their framework into these types and call `RouteCache.handle()`; all
 * caching decisions are taken in the core.
 */

import type { PurgeRetryOptions, Purger } from './cdn/purger';
import type { HealthOptions, HealthReport } from './engine/health';
import type { MetricsSink, StoreObserver } from './metrics/events';
import type { BusInspection, StoreInspection, StoreProbe, StoreProbeOptions } from './metrics/inspection';

/** A duration: seconds as a number, or a string such as `'30s'`, `'5m'`, `'1h'`, `'1d'`. */
export type Duration = number | `${number}` | `${number}${'s' | 'm' | 'h' | 'd'}`;

/** Who may keep a response: any cache, the browser only (server cache per identity), or nobody. */
export type Scope = 'public' | 'private' | 'no-store';

/** How the ETag is computed: weak (`W/"…"`, default), strong, or not at all. */
export type ETagMode = 'weak' | 'strong' | false;

/**
 * A tag header dialect: `Surrogate-Key` (space separated; Fastly, Varnish xkey), `Cache-Tag`
 * (comma separated; Cloudflare) or `Edge-Cache-Tag` (comma separated; Akamai).
 */
export type TagHeaderName = 'surrogate-key' | 'cache-tag' | 'edge-cache-tag';

/**
 * Which header(s) carry the tags: one dialect, a list of them, `'both'` (`Surrogate-Key` and
 * `Cache-Tag`), or `false` for none.
 */
export type TagHeader = TagHeaderName | 'both' | false | readonly TagHeaderName[];

/**
 * The targeted `Cache-Control` field that carries `cdnMaxAge`: `CDN-Cache-Control` (RFC 9213;
 * Cloudflare, Akamai, our Varnish VCL) or `Surrogate-Control` (W3C Edge Architecture; Fastly).
 */
export type TargetedCacheControl = 'cdn-cache-control' | 'surrogate-control';

/** Reads a request header by lower-case name. Every value is attacker-controlled. */
export type HeaderGetter = (name: string) => string | undefined;

/** Response headers with lower-case names, as adapters hand them to the core and get them back. */
export type ResponseHeaders = Record<string, string | string[]>;

/** What policy callbacks (`tags`, `identify`) and the key builder see of a request. */
export interface RequestInfo {
  /** Upper-case method. */
  readonly method: string;
  /** Lower-case host (with port when not default), from the `Host` header as the framework read it. */
  readonly host: string;
  /** Path as the framework routed it (mounted routers included), without the query. */
  readonly path: string;
  /** Query parameters after the policy's filtering (tracking parameters removed). */
  readonly query: URLSearchParams;
  /** Request headers by lower-case name. */
  readonly headers: HeaderGetter;
  /** Route parameters when the framework provides them. */
  readonly params: Readonly<Record<string, string>>;
}

/** Query filtering for the key (and for what the handler sees). */
export interface QueryOptions {
  /** Only these parameters are kept (allowlist). Default: all but `exclude`. */
  include?: readonly string[];
  /**
   * Parameters dropped; strings match exactly, a trailing `*` matches a prefix (`'utm_*'`).
   * Default: tracking parameters (`utm_*`, `fbclid`, `gclid`, `msclkid`, …). Giving a list
   * replaces the default; use `[...TRACKING_PARAMETERS, 'x']` to extend it.
   */
  exclude?: readonly string[];
}

/** Where a route's storage and freshness come from (`PolicyInput.from`). */
export type PolicySource = 'route' | 'response';

/** A route's cache policy as written by the user. Every field is optional; the README's "Policy" table gives each default. */
export interface PolicyInput {
  /**
   * Where the route's storage and freshness come from:
   *
   * - `'route'` (default): this policy; its headers are applied to the handler's answers.
   * - `'response'`: the handler's own response headers, read as a shared cache reads them
   *   (RFC 9111 §3 storability with `private`, `no-store`, `must-understand` and the §3.5
   *   `Authorization` rules; §4.2.1 lifetime `s-maxage` > `max-age` > `Expires` − `Date`, less
   *   the response's `Age`; §4.2.2 heuristic freshness, 10% of `Date` − `Last-Modified` capped
   *   at one day, only where allowed; RFC 5861 `stale-while-revalidate` / `stale-if-error`;
   *   tags from `Surrogate-Key` / `Cache-Tag`, besides the route's `tags`). The handler's
   *   headers are passed through, not rewritten; `Age` and `Cache-Status` are added.
   *   A response with `no-cache` is not reused (it would need revalidation, §5.2.2.4), nor one
   *   with `Set-Cookie`. Requests with `Authorization` use the cache, as §3.5 allows.
   *   Only `vary`, `query`, `tags` and `etag` (default `false` here: no ETag is made up) may
   *   be set next to it; the other fields come from the response and throw `PolicyError`.
   *
   * As a cache-wide `defaults: { from: 'response' }`, routes that declare no lifetime or
   * scope of their own (`{}`, `{ tags }`, …) read their responses; routes that do keep theirs.
   * @default 'route'
   */
  from?: PolicySource;
  /** `'public'` (default), `'private'` or `'no-store'`. */
  scope?: Scope;
  /** Browser freshness (`max-age`), seconds or duration string. */
  maxAge?: Duration;
  /** Shared-cache freshness (`s-maxage`); public only. */
  sMaxAge?: Duration;
  /** CDN-only freshness (`CDN-Cache-Control: max-age`, RFC 9213); public only. */
  cdnMaxAge?: Duration;
  /** RFC 5861 grace after expiry during which a stale entry is served while refreshing. Default 0. */
  staleWhileRevalidate?: Duration;
  /** RFC 5861 grace after expiry during which a stale entry is served if the origin fails. Default 0. */
  staleIfError?: Duration;
  /** `immutable` directive (RFC 8246). Default false. */
  immutable?: boolean;
  /** `must-revalidate` directive. Default false. */
  mustRevalidate?: boolean;
  /** `no-cache` downstream; the server cache still stores and answers revalidations with 304. Default false. */
  noCache?: boolean;
  /** Server-side freshness. Default `sMaxAge ?? maxAge`; `0` means headers only, nothing stored. */
  ttl?: Duration;
  /** Tags for invalidation, or a function of the request. Duplicates are dropped. */
  tags?: readonly string[] | ((req: RequestInfo) => readonly string[]);
  /** Request headers the response depends on; part of the key and of `Vary`. */
  vary?: readonly string[];
  /** Query filtering for the key. */
  query?: QueryOptions;
  /** The user a private entry belongs to; without an identity nothing private is stored. */
  identify?: (req: RequestInfo) => string | undefined;
  /** `'weak'` (default), `'strong'` or `false` (no ETag at all on the route). */
  etag?: ETagMode;
  /** How long 404/410 answers are kept. Default: not kept. */
  negativeTtl?: Duration;
  /** Let requests with `Authorization` use the shared entry. Default false. */
  shareAuthenticated?: boolean;
  /** Extra statuses this route may store, beyond `CACHEABLE_STATUS_CODES`. */
  statuses?: readonly number[];
}

/**
 * A validated, normalised policy (`definePolicy()`'s result). Durations are whole seconds.
 * Frozen; safe to share between requests.
 */
export interface Policy {
  /** `'route'`: this policy; `'response'`: the handler's headers (`PolicyInput.from`). */
  readonly from: PolicySource;
  readonly scope: Scope;
  readonly maxAge: number | undefined;
  readonly sMaxAge: number | undefined;
  readonly cdnMaxAge: number | undefined;
  readonly staleWhileRevalidate: number;
  readonly staleIfError: number;
  readonly immutable: boolean;
  readonly mustRevalidate: boolean;
  readonly noCache: boolean;
  /** Server-side freshness in seconds; 0 = nothing stored. */
  readonly ttl: number;
  readonly tags: readonly string[] | ((req: RequestInfo) => readonly string[]);
  /** Lower-case header names, deduplicated. */
  readonly vary: readonly string[];
  readonly query: { readonly include: readonly string[] | undefined; readonly exclude: readonly string[] };
  readonly identify: ((req: RequestInfo) => string | undefined) | undefined;
  readonly etag: ETagMode;
  /** Seconds; 0 = 404/410 not kept. */
  readonly negativeTtl: number;
  readonly shareAuthenticated: boolean;
  /** Statuses this route may store (the cacheable set plus `statuses`, plus 404/410 with `negativeTtl`). */
  readonly statuses: ReadonlySet<number>;
}

/** A stored HTTP response. Header names are lower-case; the body is bytes. */
export interface StoredResponse {
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
}

/** One entry in a store: a response or a data value, with its freshness and tags. */
export interface CacheEntry {
  /** The full canonical key, kept to rule out collisions of hashed store keys. */
  key: string;
  /** When it was stored, ms since epoch (cache clock). */
  storedAt: number;
  /** Fresh until, ms since epoch. */
  freshUntil: number;
  /** Grace windows after `freshUntil`, in seconds. */
  staleWhileRevalidate: number;
  staleIfError: number;
  /** When a store may drop it, ms since epoch: `freshUntil + max(swr, sie)`. */
  expiresAt: number;
  tags: readonly string[];
  /** Set for HTTP entries. */
  response?: StoredResponse;
  /** Set for `getOrSet` entries; must survive JSON for L2 stores. */
  value?: unknown;
  /**
   * How long computing the entry took (the origin or `load` run), in ms. XFetch early refresh
   * (`earlyRefresh`) uses it as `delta`; stores keep it like the other fields.
   */
  computeMs?: number;
}

/** Options for `Store.set`. */
export interface StoreSetOptions {
  /**
   * Race guard (behaviour 8): the write is dropped when any of the entry's tags, or the key
   * itself, was invalidated at or after this time (ms since epoch, cache clock).
   */
  notBefore?: number;
}

/**
 * A place entries live. Every store passes `storeConformanceSuite()` from
 * `@routecache/core/testing`. Methods may reject; the engine turns rejections into misses.
 */
export interface Store {
  /** Short name for stats and logs, e.g. `'memory'`, `'redis'`, `'tiered'`. */
  readonly name: string;
  get(key: string): Promise<CacheEntry | undefined>;
  /**
   * Optional synchronous read for in-process stores: the entry when it is at hand right now
   * (counted as a hit), else `undefined`, and the engine then calls `get` (which counts the miss
   * or reads a slower layer). Lets an L1 hit skip the promise chain of `get`.
   */
  peek?(key: string): CacheEntry | undefined;
  /** Stores the entry until `entry.expiresAt`. Resolves `false` when the race guard dropped it. */
  set(key: string, entry: CacheEntry, options?: StoreSetOptions): Promise<boolean>;
  /** Removes keys; resolves how many existed (where the store can count). */
  delete(keys: readonly string[]): Promise<number>;
  /**
   * Invalidates every entry carrying one of `tags`: removes it (`'delete'`) or makes it stale
   * (`'expire'`: `freshUntil` set to now, grace windows kept). Also records the invalidation time
   * per tag for the race guard. Resolves how many entries were touched (where countable).
   */
  invalidateTags(tags: readonly string[], mode: InvalidationMode, now: number): Promise<number>;
  /** Like `invalidateTags` for keys, mode `'expire'`; records the time for the race guard. */
  expireKeys?(keys: readonly string[], now: number): Promise<number>;
  /** Drops everything this store holds under its own prefix. */
  clear?(): Promise<void>;
  /** Cross-instance stampede lock (behaviour 6), for stores shared between instances. */
  readonly lock?: StoreLock;
  /** Per-layer counters, when the store has layers. */
  stats?(): Partial<Record<'l1' | 'l2', LayerStats>>;
  close?(): Promise<void>;
  /**
   * Receives the cache's metrics observer (once, at `createCache()`): the store wraps its calls
   * to a remote layer with `observer.around()` and reports bus health, so they are timed,
   * classified and traced. Costs one check per call while nothing listens.
   */
  instrument?(observer: StoreObserver): void;
  /** Synchronous, cheap state for gauges: L1 usage against its bounds, breaker, bus. */
  inspect?(): StoreInspection;
  /** Reachability of the shared layer (a PING) and an optional bounded key sample; for `health()`. */
  probe?(options: StoreProbeOptions): Promise<StoreProbe>;
  /**
   * The layer an entry this store just returned came from (layered stores). Without it: `'l1'`
   * for stores with `peek` (in-process), `'l2'` otherwise.
   */
  layerOf?(entry: CacheEntry): 'l1' | 'l2';
}

export type InvalidationMode = 'delete' | 'expire';

/**
 * A lock shared between instances (Redis `SET NX PX` with a random token). The engine takes it
 * on a miss; other instances wait (polling `get`) up to `lock.wait` for the holder's entry,
 * then run the handler themselves.
 */
export interface StoreLock {
  /** Takes the lock for `leaseMs`; resolves a release function (releases only our own token), or `undefined` when held elsewhere. */
  acquire(key: string, leaseMs: number): Promise<(() => Promise<void>) | undefined>;
}

/**
 * A message between instances, carried by a `Bus`. `from` is the sending bus's `id`; `at` is
 * when the invalidation happened (ms since epoch, cache clock), for the receiver's race guard.
 */
export type BusMessage =
  | { type: 'delete'; keys: readonly string[]; from: string; at?: number }
  | { type: 'expire'; keys: readonly string[]; from: string; at?: number }
  | { type: 'tags'; tags: readonly string[]; mode: InvalidationMode; from: string; at?: number };

/** Carries invalidations between instances so every L1 stays coherent. */
export interface Bus {
  /** This instance's id; stamped as `from` on what it publishes (its own messages are not delivered back to it). */
  readonly id?: string;
  publish(message: BusMessage): Promise<void>;
  /** `onHealth(false)` when the subscription is lost (messages may have been missed), `true` when back. */
  subscribe(onMessage: (message: BusMessage) => void, onHealth?: (healthy: boolean) => void): Promise<void>;
  close(): Promise<void>;
  /** Health, last heartbeat and lag, for gauges and `health()`. */
  inspect?(): BusInspection;
}

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

/** A request as an adapter hands it to the engine. */
export interface CacheRequest {
  /** Method as received (the core upper-cases it). */
  method: string;
  /** `Host` as the framework read it (never `X-Forwarded-Host` unless the app trusts its proxy). */
  host: string;
  /**
   * Path and query as the framework routed them (mounted routers included), starting with `/`:
   * after any rewrite by a middleware before the cache, so the key names what the handler serves.
   */
  url: string;
  /**
   * The URL as the client sent it, only when a rewrite before the cache routed another one
   * (Express `req.originalUrl` after `req.url` was changed): the handler can still read it, so it
   * is keyed too. Omit it when it equals `url`.
   */
  requestedUrl?: string;
  /**
   * `'https'` when the request came over TLS as the framework sees it (Express `req.protocol`,
   * which honours `X-Forwarded-Proto` only under `trust proxy`; the request URL's scheme on
   * Fetch runtimes). HTTPS requests get their own entries: an app may answer the same URL
   * differently per scheme (an `http` → `https` redirect). Default: `'http'`.
   */
  scheme?: string;
  headers: HeaderGetter;
  /**
   * The same headers as a plain object with lower-case names, when the adapter has one (Node's
   * `IncomingMessage.headers`): the core then scans the request's few headers for the key
   * headers instead of calling `headers` for each. It must hold exactly what `headers` reads.
   */
  headerRecord?: Readonly<Record<string, string | string[] | undefined>>;
  params?: Readonly<Record<string, string>>;
  /** True when the request carries a body (`Content-Length` > 0 or `Transfer-Encoding`). */
  hasBody?: boolean;
  /**
   * Label for per-route stats, metrics and traces, e.g. `'GET /api/products/:id'` (the route's
   * pattern, never the raw path: labels must stay few). Default: none (the request counts in the
   * totals only; metrics label it `'none'`).
   */
  routeLabel?: string;
}

/** What the engine gives an origin run. */
export interface OriginContext {
  /**
   * The URL the handler must see: query parameters dropped from the key are removed from it
   * (behaviour 4). Adapters rewrite the framework's request URL/query to this before running
   * the handler.
   */
  url: string;
  /** Largest body the cache will buffer, in bytes; beyond it the adapter streams through. */
  maxBodyBytes: number;
  /**
   * Final headers for a response the adapter must send itself before it is complete (a body
   * over `maxBodyBytes` or an endless stream, an error an exception filter sends): the policy
   * headers, `no-store` on errors, etc., built as for a buffered response. `response` gives what
   * the adapter knows of it beyond status and headers: the handler's override for this response
   * (`policy`) and the request it answered (`served`), so that they apply to the streamed head too.
   */
  finalizeHeaders(
    status: number,
    headers: ResponseHeaders,
    response?: Pick<OriginResponse, 'policy' | 'served'>,
  ): ResponseHeaders;
  /** True when the origin runs in the background (a refresh): nothing must reach the client. */
  background: boolean;
  /**
   * Request headers that make the origin run a validation of the stored entry (RFC 9111 §4.3.1:
   * `If-None-Match` / `If-Modified-Since` from its validators), on `from: 'response'` routes
   * whose entry is stale or must be revalidated. An adapter that can set request headers for the
   * handler (a proxy, for its upstream request) adds them, and the origin may answer 304; one
   * that cannot ignores them, and the full answer replaces the entry.
   */
  validators?: Readonly<Record<string, string>>;
}

/** What an origin run produced. */
export interface OriginResponse {
  status: number;
  /** Headers the handler set, lower-case names. */
  headers: ResponseHeaders;
  /** The buffered body, or `null` when the adapter already streamed the response through. */
  body: Uint8Array | null;
  /**
   * Policy fields the handler chose for this one response (adapters read them from their
   * per-response helper, e.g. Express `setResponsePolicy(res, { scope: 'no-store' })`). The
   * engine merges them over the route's policy before deciding whether to store and building the
   * headers; fields are plain `PolicyInput` fields, already validated on their own by the adapter.
   */
  policy?: Partial<PolicyInput>;
  /**
   * Headers that were on the response before the origin ran (set by middleware mounted before
   * the cache, e.g. `cors()`'s `Access-Control-Allow-Origin`) and that it left unchanged: they
   * belong to this request, so they are never stored (that middleware sets them again on every
   * request, hits included) and the adapter keeps them on what it sends. `headers` holds the
   * rest. A `Set-Cookie` among them still keeps the answer out of the cache.
   */
  preset?: ResponseHeaders;
  /**
   * The method and URL (path and query) the request had when the handler answered. When a
   * middleware after the cache changed them (a rewrite, `X-HTTP-Method-Override`), the answer is
   * not the one the key names: it is sent, privately, and not stored. Omit when unknown.
   */
  served?: { readonly method: string; readonly url: string };
}

/** Runs the route handler. Rejections count as origin errors (stale-if-error applies). */
export type Origin = (ctx: OriginContext) => Promise<OriginResponse>;

/** The answer an adapter sends. */
export interface CacheAnswer {
  status: number;
  headers: ResponseHeaders;
  /** Body to send; `null` for 304, HEAD, or when the adapter already sent the response. */
  body: Uint8Array | null;
  /** True when the adapter already sent the response itself (streamed through); send nothing. */
  sent: boolean;
}

/** Options for `RouteCache.handle`. */
export interface HandleOptions {
  /**
   * Runs the handler detached from the client, for background refreshes
   * (stale-while-revalidate, early refresh). Without it, a stale entry within
   * `staleWhileRevalidate` is still served and the next request refreshes in the foreground.
   */
  refresh?: Origin;
  /** Hook for platforms that must keep background work alive (e.g. `executionCtx.waitUntil`). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** Options of `RouteCache.earlyHits()`. */
export interface EarlyHitsOptions {
  /**
   * Request headers the framework selects a handler by besides the method, host and path (a
   * version header), lower-case: a request is answered early only from what a request with the
   * same values was routed to. Default: none.
   */
  selectors?: readonly string[];
  /** Request shapes (method, host, path, selectors) remembered, least recently used dropped. Default: `10000`. */
  maxRoutes?: number;
}

/**
 * One entry, two doors: `handle()`, called where the framework's pipeline reaches the cache,
 * and this door, called before that pipeline (a Nest middleware or Fastify `onRequest` hook).
 * The door answers only fresh hits, from the in-process store, of `scope: 'public'` policies
 * that do not take caching from the response nor identify anyone, for GET/HEAD requests without
 * a body or `Authorization`; and only for a request shape (method, scheme, host, path, the URL
 * the client sent, the `selectors`' values) that the pipeline has routed to that policy before,
 * learned through `learn()`. The key is built as `handle()` builds it, so 304s, `Age`,
 * `Cache-Status` and stats are the same. Whatever the framework's pipeline would check (guards)
 * does not run for such answers, exactly as for a CDN in front of the app.
 */
export interface EarlyHits {
  /**
   * Called by the adapter where `handle()` is (after the framework routed `request`): remembers
   * that this request shape is routed to `policy`, with `request.routeLabel` and `request.params`.
   * A policy that does not qualify makes the door forget the shape.
   */
  learn(request: CacheRequest, policy: Policy): void;
  /**
   * The answer to `request` (its `route` and `params` are replaced by the learned ones, on the
   * object itself: pass one built for this call),
   * or `undefined` when it must go through the framework's pipeline: not a fresh public hit,
   * at hand, of a shape learned before. Counted in `stats()` like any hit. Never throws.
   */
  answer(request: CacheRequest): CacheAnswer | undefined;
}

/** Logger the cache reports problems to; default silent. */
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
