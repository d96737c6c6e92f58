export { setResponsePolicy } from './response-policy';
export { type RouteCacheMiddleware, type RouteCacheOptions, routeCache } from './route-cache';
export type { ExpressWarmTarget } from './warm';
