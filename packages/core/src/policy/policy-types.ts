/**
 * The policy a route declares (`PolicyInput`) and the resolved, frozen `Policy` the engine works
 * from, with the request view its callbacks get. User-facing: what an app writes.
 */

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
