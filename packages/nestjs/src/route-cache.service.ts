import { Inject, Injectable } from '@nestjs/common';
import type { CacheStats, EntryOptions, InvalidationMode, RouteCache } from '@routecache/core';
import { ROUTE_CACHE } from './route-cache.constants';

/**
 * The module's cache, for controllers and services: invalidation by tag or key, data-level
 * cache-aside on the same store, and stats.
 */
@Injectable()
export class RouteCacheService {
  constructor(@Inject(ROUTE_CACHE) readonly cache: RouteCache) {}

  /**
   * Removes (`mode: 'delete'`, default) or expires (`'expire'`: stale-while-revalidate still
   * applies) every entry carrying one of `tags`, and the entries stored under `keys`, on every
   * instance the store's bus reaches; then purges `tags` and `urls` from the `cdn` purgers.
   */
  invalidate(target: {
    tags?: readonly string[];
    keys?: readonly string[];
    urls?: readonly string[];
    mode?: InvalidationMode;
  }): Promise<{ keys: number; tags: number }> {
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
}
