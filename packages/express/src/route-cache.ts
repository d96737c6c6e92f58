import type {
  CacheStats,
  Duration,
  PolicyInput,
  Rewarmer,
  RewarmOptions,
  RouteCache,
  WarmOptions,
  WarmSource,
  WarmSummary,
} from '@routecache/core';
import { parseDuration } from '@routecache/core';
import type { AdapterCacheOptions } from '@routecache/core/adapter';
import { methodRole, resolveAdapterCache, routeLabel } from '@routecache/core/adapter';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createOwnPolicyFinder } from './own-policy';
import { createRouteMatcher, parseRoutes } from './routes-table';
import { createServe } from './serve';
import { type ExpressWarmTarget, rewarmExpress, warmExpress } from './warm';

/** Options of `routeCache()`: the adapter's own, plus every `createCache()` option. */
export interface RouteCacheOptions extends AdapterCacheOptions {
  /**
   * Policies by route, applied by `app.use(rc)`: keys are `'GET <path>'` with an Express path
   * pattern (GET also covers HEAD), matched against `req.path` exactly as `app.get(path)` would
   * match it (path-to-regexp of the installed Express, the app's case and strict routing
   * settings). The first matching route wins. Unsafe requests (POST, PUT, PATCH, DELETE, any
   * method but the safe ones) to a matching path also go through the cache, which invalidates
   * that URL's entries on success.
   * Default: `{}` (only `rc.policy()` routes are cached).
   */
  routes?: Record<string, PolicyInput>;
  /**
   * How long a response may keep streaming (from its first write) before the cache stops
   * buffering it and streams it through uncached. Seconds or a duration string.
   * Default: `1` (one second).
   */
  streamTimeout?: Duration;
}

/**
 * What `routeCache()` returns (the same name on every adapter): here a middleware applying the
 * `routes` table, with the per-route policy factory and the cache's controls.
 */
export interface AppRouteCache extends RequestHandler {
  /** Per-route middleware: `app.get(path, rc.policy({ maxAge: 60 }), handler)`. Works without `app.use(rc)`. */
  policy(input: PolicyInput): RequestHandler;
  /** Removes (or expires) entries by tag or key; same as `cache.invalidate()`. */
  invalidate: RouteCache['invalidate'];
  /** Hits, misses, stale answers… for the whole cache and per route. */
  stats(): CacheStats;
  /** The cache's health report (`cache.health()`): L1, L2 reachability, breaker, bus, per-route hit ratios. */
  health: RouteCache['health'];
  /**
   * Stores entries by sending each target through `app` (a real request on a loopback server
   * that lives for the warming), so warmed entries are byte for byte a visitor's. Give the
   * `Host` your visitors use (`headers: { host }`) or absolute URLs: the host is part of the key.
   * @example await rc.warm(['/api/products', '/api/products/1'], { app, concurrency: 4, headers: { host: 'shop.example' } });
   */
  warm(source: WarmSource, options: WarmOptions & ExpressWarmTarget): Promise<WarmSummary>;
  /** Refresh-after-invalidate: re-warms the hottest entries each invalidation removed, through `app`. */
  rewarm(options: RewarmOptions & ExpressWarmTarget): Rewarmer;
  /** The underlying cache (the one passed in as `cache`, when given). */
  readonly cache: RouteCache;
}

/**
 * Express middleware that gives each route a cache policy: correct `Cache-Control` and friends,
 * ETags and 304s, and a server-side response cache with tags, stampede protection and stale
 * serving. Express 4 and 5.
 *
 * @throws PolicyError naming the option (and the route, for `routes`) when an option is invalid.
 * @see https://github.com/routecache/routecache/tree/main/packages/express#readme
 * @example
 * const rc = routeCache({ routes: { 'GET /api/products/:id': { maxAge: 60, tags: ['products'] } } });
 * app.use(rc);
 * app.get('/api/me', rc.policy({ scope: 'private', maxAge: 0, identify: (req) => req.headers('x-user') }), me);
 * await rc.invalidate({ tags: ['products'] });
 */
export function routeCache(options: RouteCacheOptions = {}): AppRouteCache {
  const { routes = {}, streamTimeout = 1, ...cacheOptions } = options;
  const { cache, definePolicy: define } = resolveAdapterCache(cacheOptions);
  const table = parseRoutes(routes, define);
  const serve = createServe(cache, parseDuration(streamTimeout, 'streamTimeout') * 1000);
  const matchRoute = createRouteMatcher(table);
  /** The handlers `policy()` created: the table leaves their routes to them. */
  const policyHandlers = new WeakSet<object>();
  const hasOwnPolicy = createOwnPolicyFinder(policyHandlers);

  const middleware = function routeCacheMiddleware(req: Request, res: Response, next: NextFunction): void {
    const method = req.method;
    const role = methodRole(method);
    const match = role !== 'none' && table.length > 0 ? matchRoute(req) : undefined;
    if (match === undefined || hasOwnPolicy(req)) return void next();
    const { route, params } = match;
    serve(
      req,
      res,
      next,
      route.policy,
      role === 'read' ? route.label : routeLabel(method, route.path),
      params,
    );
  } as AppRouteCache;

  middleware.policy = (input) => {
    const policy = define(input);
    // The last label built, reused while method, mount path and route repeat (the usual case):
    // no string is built and hashed per request.
    let last = { method: '', base: '', path: '', label: '' };
    const handler: RequestHandler = function routeCachePolicy(req, res, next) {
      const method = req.method;
      // Safe methods other than GET/HEAD (OPTIONS, …) neither use nor change the cache.
      if (methodRole(method) === 'none') return void next();
      const path = req.route?.path;
      let label: string | undefined;
      if (typeof path === 'string') {
        const base = req.baseUrl;
        if (method !== last.method || base !== last.base || path !== last.path) {
          last = { method, base, path, label: routeLabel(method, base + path) };
        }
        label = last.label;
      }
      serve(req, res, next, policy, label);
    };
    policyHandlers.add(handler);
    return handler;
  };
  middleware.invalidate = (target) => cache.invalidate(target);
  middleware.stats = () => cache.stats();
  middleware.health = (healthOptions) => cache.health(healthOptions);
  middleware.warm = (source, warmOptions) => warmExpress(cache, source, warmOptions);
  middleware.rewarm = (rewarmOptions) => rewarmExpress(cache, rewarmOptions);
  Object.defineProperty(middleware, 'cache', { value: cache, enumerable: true });
  return middleware;
}
