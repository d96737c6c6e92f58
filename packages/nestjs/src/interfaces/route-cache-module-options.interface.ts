import type { AdapterCacheOptions } from '@routecache/core/adapter';

/**
 * Options of `RouteCacheModule.forRoot()` / the factory of `forRootAsync()`: the core's
 * `createCache()` options, or an existing `cache` to share (not closed by the module on
 * shutdown; it cannot be combined with cache options, and the module's `defaults` still apply
 * to its `@CachePolicy()` routes). An invalid option fails start-up naming the option.
 */
export type RouteCacheModuleOptions = AdapterCacheOptions;

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
