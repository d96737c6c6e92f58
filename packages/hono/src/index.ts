/** The core's user API, re-exported: `@routecache/hono` is the one package a Hono app installs. */
export * from '@routecache/core';
export type { RefreshApp } from './refresh';
export { setResponsePolicy } from './response-policy';
export { type AppRouteCache, type HonoWarmTarget, type RouteCacheOptions, routeCache } from './route-cache';
