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
  /**
   * Answer public fresh hits before Nest's guards, pipes and interceptors (an Express
   * middleware / a Fastify `onRequest` hook), from the entries the interceptor stores: guards do
   * not run for such hits, exactly as for a CDN in front of the app. Only `scope: 'public'`
   * routes, never for requests with `Authorization`; see the README's "Early hits".
   * Cannot be combined with an `interceptor` subclass that overrides `getPolicy`,
   * `isRequestCacheable` or `toCacheRequest` (start-up fails with a `PolicyError`).
   * @default false
   */
  earlyHits?: boolean;
}
