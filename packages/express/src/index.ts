/** The core's user API, re-exported: `@routecache/express` is the one package an Express app installs. */
export * from '@routecache/core';
export { setResponsePolicy } from './response-policy';
export { type AppRouteCache, type RouteCacheOptions, routeCache } from './route-cache';
export type { ExpressWarmTarget } from './warm';
