import {
  type CacheStats,
  type PolicyInput,
  type Rewarmer,
  type RewarmOptions,
  type RouteCache,
  rewarmAfterInvalidation,
  type WarmOptions,
  type WarmSource,
  type WarmSummary,
  warmCache,
} from '@routecache/core';
import {
  type AdapterCacheOptions,
  methodRole,
  resolveAdapterCache,
  routeLabel,
} from '@routecache/core/adapter';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { RefreshApp } from './refresh';
import { createBackgroundOptions, runAsRefresh } from './refresh';
import { respond } from './respond';
import { confirmRoutePath, readRoutePath } from './route-path';
import { compileRouteTable } from './route-table';
import { createFetchDispatch } from './warm';

/** Where `warm()` / `rewarm()` send requests: the app given to `routeCache({ app })` unless another is given here. */
export interface HonoWarmTarget {
  /** The Hono app (`app.fetch` is called); default: `routeCache()`'s `app`. */
  app?: RefreshApp;
  /** The `env` bindings passed to `app.fetch` (Workers). */
  env?: unknown;
}

/** `routeCache()` options: the cache's own options plus the adapter's. */
export interface RouteCacheOptions extends AdapterCacheOptions {
  /**
   * Policies by route, applied by `rc.middleware()`: `{ 'GET /api/products/:id': { maxAge: 60 } }`.
   * Keys use Hono's path syntax (`:param`, `*`, `:id{[0-9]+}`) with an optional `GET`; the first
   * declared match wins, and a route with its own `rc.policy()` uses that one instead.
   * @default {}
   */
  routes?: Record<string, PolicyInput>;
  /**
   * The Hono app, so stale-while-revalidate refreshes run in the background (re-dispatched
   * through `app.fetch` with the request's env and execution context). Without it, a stale
   * entry within `staleWhileRevalidate` is still served at once, and the next request after
   * the grace window refreshes in the foreground.
   * @default undefined (no background refresh)
   */
  app?: RefreshApp;
}

/** What `routeCache()` returns (the same name on every adapter). */
export interface AppRouteCache {
  /** Middleware applying the `routes` table: `app.use('*', rc.middleware())`. */
  middleware(): MiddlewareHandler;
  /** Middleware for one route: `app.get('/x', rc.policy({ maxAge: 60 }), handler)`. Throws `PolicyError` now if invalid. */
  policy(input: PolicyInput): MiddlewareHandler;
  /** Removes (or expires) entries by tag or key; the core's `invalidate()`. */
  invalidate: RouteCache['invalidate'];
  /** Hits, misses, stale, bypass… overall and per route. */
  stats(): CacheStats;
  /** The cache's health report (`cache.health()`): L1, L2 reachability, breaker, bus, per-route hit ratios. */
  health: RouteCache['health'];
  /**
   * Stores entries by dispatching each target through `app.fetch` as a visitor's request, so
   * warmed entries are byte for byte a visitor's. Send the `Host` your visitors use
   * (`headers: { host }`) or absolute URLs: the host is part of the key.
   * @example await rc.warm(['/api/products'], { concurrency: 4, headers: { host: 'shop.example' } });
   */
  warm(source: WarmSource, options?: WarmOptions & HonoWarmTarget): Promise<WarmSummary>;
  /** Refresh-after-invalidate: re-warms the hottest entries each invalidation removed, through `app.fetch`. */
  rewarm(options?: RewarmOptions & HonoWarmTarget): Rewarmer;
  /** The underlying cache (the one passed in `cache`, when given). */
  readonly cache: RouteCache;
}

/**
 * A response cache for Hono on every runtime (Node, Bun, Deno, Cloudflare Workers): declare a
 * policy per route and get Cache-Control, ETags and 304s, a server-side cache, tags and stale
 * serving. All decisions are taken by `@routecache/core`; this adapter only translates.
 *
 * @see https://github.com/routecache/routecache/tree/main/packages/hono#readme
 * @example
 * const app = new Hono();
 * const rc = routeCache({ app, routes: { 'GET /api/products/:id': { maxAge: 60, tags: ['products'] } } });
 * app.use('*', rc.middleware());
 * app.get('/about', rc.policy({ maxAge: '1h' }), (c) => c.text('about'));
 * app.post('/api/products/:id', async (c) => { await rc.invalidate({ tags: ['products'] }); return c.body(null, 204); });
 */
export function routeCache(options: RouteCacheOptions = {}): AppRouteCache {
  const { routes = {}, app, ...cacheOptions } = options;
  const { cache, definePolicy: define } = resolveAdapterCache(cacheOptions);
  const table = compileRouteTable(routes, define);
  /** Background refreshes through `app`, shared by every request (none without it). */
  const background = app ? createBackgroundOptions(app) : undefined;
  /** The handlers `policy()` created, so `middleware()` leaves their routes to them. */
  const policyHandlers = new WeakSet<object>();

  return {
    middleware(): MiddlewareHandler {
      // Not `async`: a hit is returned as the `Response` itself (a miss as `respond()`'s
      // promise), without the extra promise and microtask turns an `async` wrapper adds.
      return asMiddleware(function routeCacheMiddleware(c, next) {
        const refresh = runAsRefresh(c, next);
        if (refresh) return refresh;
        // Safe methods other than GET/HEAD (OPTIONS, …) neither use nor change the cache.
        if (methodRole(c.req.method) === 'none') return next();
        const target = table.match(c.req.path, c.req.method);
        if (!target || matchedRoutes(c).some((r) => policyHandlers.has(r.handler))) return next();
        return respond(c, next, target.policy, target.route, target.params, cache, background);
      });
    },

    policy(input: PolicyInput): MiddlewareHandler {
      const policy = define(input);
      // The last label built, reused while method and route repeat (the usual case): no string
      // is built per request.
      let last = { method: '', path: '', route: '' };
      const handler = asMiddleware(function routeCachePolicy(c, next) {
        const refresh = runAsRefresh(c, next);
        if (refresh) return refresh;
        if (methodRole(c.req.method) === 'none') return next();
        const method = c.req.method;
        const path = readRoutePath(c);
        if (method !== last.method || path !== last.path) {
          const confirmed = confirmRoutePath(c, path);
          last = { method, path: confirmed, route: routeLabel(method, confirmed) };
        }
        return respond(c, next, policy, last.route, undefined, cache, background);
      });
      policyHandlers.add(handler);
      return handler;
    },

    invalidate: (target) => cache.invalidate(target),
    stats: () => cache.stats(),
    health: (healthOptions) => cache.health(healthOptions),
    async warm(source, warmOptions = {}) {
      const { app: target = app, env, ...rest } = warmOptions;
      return warmCache(cache, createFetchDispatch(target, 'rc.warm()', env), source, rest);
    },
    rewarm(rewarmOptions = {}) {
      const { app: target = app, env, ...rest } = rewarmOptions;
      return rewarmAfterInvalidation(cache, createFetchDispatch(target, 'rc.rewarm()', env), rest);
    },
    cache,
  };
}

/**
 * Types a middleware that may return its `Response` synchronously. Hono runs middleware and
 * handlers alike (`compose` awaits whatever they return; a lone handler's plain `Response` is
 * sent as is), but `MiddlewareHandler` is declared as returning a promise.
 */
function asMiddleware(
  fn: (c: Context, next: Next) => Response | undefined | ReturnType<MiddlewareHandler>,
): MiddlewareHandler {
  return fn as MiddlewareHandler;
}
