import type { RouteCache } from '../types';

/** Route label of requests without one (the adapter had no route pattern for them). */
export const NO_ROUTE = 'none';
/** Route label once `maxRoutes` distinct routes were seen: a guard, route tables are bounded. */
export const OTHER_ROUTE = 'other';

/**
 * A bounded route labeller: route patterns as given, `'none'` without one, `'other'` past
 * `maxRoutes` distinct ones (label cardinality stays bounded even if an adapter were given URLs).
 */
export function createRouteLabeller(maxRoutes: number): (route: string | undefined) => string {
  const seen = new Set<string>();
  return (route) => {
    if (route === undefined || route === '') return NO_ROUTE;
    if (seen.has(route)) return route;
    if (seen.size >= maxRoutes) return OTHER_ROUTE;
    seen.add(route);
    return route;
  };
}

/** Class of an HTTP status (`'2xx'`…), or `'error'` when the handler threw. */
export function statusClass(status: number | undefined): string {
  if (status === undefined || !Number.isFinite(status)) return 'error';
  return `${Math.floor(status / 100)}xx`;
}

/** Something that is or carries a `RouteCache`: the cache itself, or what an adapter's `routeCache()` returns. */
export type CacheSource = RouteCache | { readonly cache: RouteCache };

/** The `RouteCache` of `source`; a `TypeError` naming `argument` when it is neither. */
export function resolveCache(source: CacheSource, argument: string): RouteCache {
  const candidate =
    source && typeof (source as RouteCache).observe === 'function'
      ? (source as RouteCache)
      : (source as { cache?: RouteCache } | undefined)?.cache;
  if (!candidate || typeof candidate.observe !== 'function') {
    throw new TypeError(`${argument} must be a RouteCache or an adapter's routeCache() result (with .cache)`);
  }
  return candidate;
}
