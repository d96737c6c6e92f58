import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { type RouteCache } from '@routecache/core';
import { type AdapterCache, resolveAdapterCache } from '@routecache/core/adapter';
import type { RouteCacheModuleExtras, RouteCacheModuleOptions } from './interfaces';
import { ROUTE_CACHE, ROUTE_CACHE_ADAPTER, ROUTE_CACHE_OPTIONS } from './route-cache.constants';
import { RouteCacheExplorer } from './route-cache.explorer';
import { ConfigurableModuleClass } from './route-cache.module-definition';
import { RouteCacheService } from './route-cache.service';

/**
 * routecache for Nest: `RouteCacheModule.forRoot(options)` or `forRootAsync({ useFactory,
 * inject, imports })` creates the cache (options are validated at start-up), registers
 * `RouteCacheInterceptor` globally and provides `RouteCacheService`. Global by default.
 *
 * @example
 * ```ts
 * @Module({ imports: [RouteCacheModule.forRoot({ defaults: { maxAge: 60 } })] })
 * export class AppModule {}
 * ```
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: ROUTE_CACHE_ADAPTER,
      useFactory: (options: RouteCacheModuleOptions): AdapterCache => resolveAdapterCache(options),
      inject: [ROUTE_CACHE_OPTIONS],
    },
    {
      provide: ROUTE_CACHE,
      useFactory: (adapter: AdapterCache): RouteCache => adapter.cache,
      inject: [ROUTE_CACHE_ADAPTER],
    },
    RouteCacheExplorer,
    RouteCacheService,
  ],
  // The explorer too: `@UseInterceptors(RouteCacheInterceptor)` resolves the interceptor in the host module.
  exports: [ROUTE_CACHE, RouteCacheService, RouteCacheExplorer],
})
export class RouteCacheModule extends ConfigurableModuleClass implements OnApplicationShutdown {
  constructor(@Inject(ROUTE_CACHE_ADAPTER) private readonly adapter: AdapterCache) {
    super();
  }

  /** The module with `options` (all optional: `forRoot()` uses a memory store and the core's defaults). */
  static override forRoot(options: RouteCacheModuleOptions & RouteCacheModuleExtras = {}): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: the builder's forRoot() names `this` as the module; it must be RouteCacheModule.
    return super.forRoot(options);
  }

  /** Closes the cache the module created (not one passed in as `options.cache`). */
  async onApplicationShutdown(): Promise<void> {
    if (this.adapter.owned) await this.adapter.cache.close();
  }
}
