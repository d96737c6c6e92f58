import type { CacheOptions, RouteCache } from '@routecache/core';

/**
 * Options of `RouteCacheModule.forRoot()` / the factory of `forRootAsync()`: the core's
 * `createCache()` options, or an existing cache to share.
 */
export interface RouteCacheModuleOptions extends CacheOptions {
  /**
   * An existing cache to use (shared with other adapters, or created by the app). When given,
   * the other options are ignored and the module does not close it on shutdown.
   * @default undefined (the module calls `createCache(options)` and closes it on shutdown)
   */
  cache?: RouteCache;
}

/** Extras of `forRoot()` / `forRootAsync()`, applied to the module definition. */
export interface RouteCacheModuleExtras {
  /**
   * Register the module globally, so that `RouteCacheService` can be injected everywhere.
   * @default true
   */
  isGlobal?: boolean;
  /**
   * Register `RouteCacheInterceptor` as a global interceptor (`APP_INTERCEPTOR`). Set `false`
   * to apply it yourself with `@UseInterceptors()`, or pass a subclass that overrides its
   * protected hooks.
   * @default RouteCacheInterceptor
   */
  interceptor?: (abstract new (...args: never[]) => unknown) | false;
}
