export type { RefreshApp } from './refresh';
export { type HonoRouteCache, type HonoWarmTarget, type RouteCacheOptions, routeCache } from './route-cache';
