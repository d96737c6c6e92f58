/** The core's user API, re-exported: `@routecache/nestjs` is the one package a NestJS app installs. */
export * from '@routecache/core';
export { CachePolicy, NoCache } from './decorators';
export type { RouteCacheModuleExtras, RouteCacheModuleOptions } from './interfaces';
export { setResponsePolicy } from './response-policy';
export { CACHE_POLICY_METADATA, NO_CACHE, ROUTE_CACHE, ROUTE_CACHE_OPTIONS } from './route-cache.constants';
export { RouteCacheExplorer } from './route-cache.explorer';
export { RouteCacheInterceptor } from './route-cache.interceptor';
export { RouteCacheModule } from './route-cache.module';
export { RouteCacheService } from './route-cache.service';
export type { RouteMetadata } from './utils/route-metadata.util';
