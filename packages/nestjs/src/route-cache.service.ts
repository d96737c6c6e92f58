import { Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type {
  CacheStats,
  EntryOptions,
  HealthOptions,
  HealthReport,
  InvalidationResult,
  InvalidationTarget,
  Rewarmer,
  RewarmOptions,
  RouteCache,
  WarmOptions,
  WarmSource,
  WarmSummary,
} from '@routecache/core';
import { rewarmAfterInvalidation, warmCache } from '@routecache/core';
import { ROUTE_CACHE } from './route-cache.constants';
import { openNestDispatch } from './route-cache.warmer';

/**
 * The module's cache, for controllers and services: invalidation by tag or key, data-level
 * cache-aside on the same store, stats, health and warming.
 */
@Injectable()
export class RouteCacheService {
  constructor(
    @Inject(ROUTE_CACHE) readonly cache: RouteCache,
    @Optional() @Inject(HttpAdapterHost) private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /**
   * Removes (`mode: 'delete'`, default) or expires (`'expire'`: stale-while-revalidate still
   * applies) every entry carrying one of `tags`, and the entries stored under `keys`, on every
   * instance the store's bus reaches; then purges `tags` and `urls` from the `cdn` purgers.
   */
  invalidate(target: InvalidationTarget): Promise<InvalidationResult> {
    return this.cache.invalidate(target);
  }

  /** Cache-aside: the value stored under `key`, or `load()`'s result, stored (single-flight). */
  getOrSet<T>(key: string, load: () => Promise<T>, options?: EntryOptions): Promise<T> {
    return this.cache.getOrSet(key, load, options);
  }

  /** Hits, misses, stale answers, errors… for the whole cache, per layer and per route. */
  stats(): CacheStats {
    return this.cache.stats();
  }

  /** The cache's health report: L1, L2 reachability and latency, breaker, bus, per-route hit ratios. */
  health(options?: HealthOptions): Promise<HealthReport> {
    return this.cache.health(options);
  }

  /**
   * Stores entries by sending each target through Nest's HTTP adapter (the whole pipeline, as
   * a visitor's request), so warmed entries are byte for byte a visitor's. Call it after
   * `app.init()`. Send the `Host` your visitors use (`headers: { host }`): it is part of the key.
   */
  async warm(source: WarmSource, options?: WarmOptions): Promise<WarmSummary> {
    const http = await openNestDispatch(this.adapterHost, 'RouteCacheService.warm()');
    try {
      return await warmCache(this.cache, http.dispatch, source, options);
    } finally {
      await http.close();
    }
  }

  /** Refresh-after-invalidate: re-warms the hottest entries each invalidation removed, through Nest's HTTP adapter. */
  rewarm(options?: RewarmOptions): Rewarmer {
    return rewarmAfterInvalidation(
      this.cache,
      async (path, headers) => {
        const http = await openNestDispatch(this.adapterHost, 'RouteCacheService.rewarm()');
        try {
          return await http.dispatch(path, headers);
        } finally {
          await http.close();
        }
      },
      options,
    );
  }
}
