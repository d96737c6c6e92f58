export type { RefreshApp } from './refresh';
export { type HonoRouteCache, type RouteCacheOptions, routeCache } from './route-cache';
