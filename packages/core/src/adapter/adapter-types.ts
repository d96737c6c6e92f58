/**
 * The exchange between a framework adapter and the engine: the request it hands over, the
 * origin run it provides, and the answer it sends. For whoever writes an adapter; all caching
 * decisions are taken in the core.
 */

import type { HeaderGetter, Policy, PolicyInput } from '../types';

/** Response headers with lower-case names, as adapters hand them to the core and get them back. */
export type ResponseHeaders = Record<string, string | string[]>;

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
   * headers instead of calling `headers` for each, and reads `Authorization` and the validators
   * (`If-None-Match`, `If-Modified-Since`, `Cache-Control`) from it. It must hold exactly what
   * `headers` reads, and what the handler will: omit it when a middleware may have changed the
   * headers the handler reads without changing it.
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
   * The request the origin runs for, the object the adapter handed to `handle()`: an adapter can
   * keep its per-request state on it and pass the same origin function to every request (no
   * closure per request, which a hit would allocate for nothing).
   */
  request: CacheRequest;
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

/**
 * The answer an adapter sends. Read it, never change it: the hits of one entry within the same
 * second share one answer (frozen, headers included); copy it to send something else.
 */
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
  /**
   * Hook for platforms that must keep background work alive (e.g. `executionCtx.waitUntil`).
   * `request` is the one given to `handle()`, so one hook can serve every request.
   */
  waitUntil?: (promise: Promise<unknown>, request: CacheRequest) => void;
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
