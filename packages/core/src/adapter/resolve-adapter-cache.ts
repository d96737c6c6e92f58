import { createCache } from '../engine/create-cache';
import { PolicyError } from '../errors';
import { layerDefaults } from '../policy/policy';
import type { CacheOptions, Policy, PolicyInput, RouteCache } from '../types';

/** The options every adapter's `routeCache()` / `forRoot()` takes about its cache. */
export interface AdapterCacheOptions extends CacheOptions {
  /**
   * An existing cache to use (shared with other adapters or `getOrSet` callers). It cannot be
   * combined with the cache options (`store`, `namespace`, …): configure the cache you pass in.
   * `defaults` may still be given: they apply to the policies declared through this adapter.
   * @default undefined (a new `createCache(options)`, on `memoryStore()` unless `store` is given)
   */
  cache?: RouteCache;
}

/** The cache an adapter works with, and how it declares its routes' policies. */
export interface AdapterCache {
  readonly cache: RouteCache;
  /** Validates a route's policy (throws `PolicyError`), with the adapter's `defaults` under it. */
  definePolicy(input: PolicyInput): Policy;
  /** True when the adapter created the cache, so it closes it on shutdown. */
  readonly owned: boolean;
}

/**
 * Resolves an adapter's cache options the same way in every adapter: the given `cache`, or a
 * new one. Throws `PolicyError` naming the option when `cache` comes with cache options that
 * would be silently ignored.
 */
export function resolveAdapterCache(options: AdapterCacheOptions): AdapterCache {
  const { cache: given, defaults, ...cacheOptions } = options;
  if (given === undefined) {
    const cache = createCache({ ...cacheOptions, defaults });
    return { cache, definePolicy: (input) => cache.definePolicy(input), owned: true };
  }
  const conflicting = Object.entries(cacheOptions).find(([, value]) => value !== undefined)?.[0];
  if (conflicting !== undefined) {
    throw new PolicyError(conflicting, 'cannot be combined with `cache`: configure the cache you pass in');
  }
  return {
    cache: given,
    definePolicy: (input) =>
      given.definePolicy(defaults === undefined ? input : layerDefaults(input, defaults)),
    owned: false,
  };
}
