/** Injection token of the module options (`RouteCacheModule.forRoot(options)`). */
export const ROUTE_CACHE_OPTIONS: unique symbol = Symbol('ROUTE_CACHE_OPTIONS');

/** Injection token of the `RouteCache` the module created (or was given through `options.cache`). */
export const ROUTE_CACHE: unique symbol = Symbol('ROUTE_CACHE');

/** Injection token of the module's `AdapterCache` (the cache, how policies are defined, who closes it). */
export const ROUTE_CACHE_ADAPTER: unique symbol = Symbol('ROUTE_CACHE_ADAPTER');

/** Injection token of the `earlyHits` extra (a boolean). */
export const ROUTE_CACHE_EARLY_HITS: unique symbol = Symbol('ROUTE_CACHE_EARLY_HITS');

/** Metadata key `@CachePolicy()` and `@NoCache()` write on a controller class or method. */
export const CACHE_POLICY_METADATA = 'routecache:policy' as const;

/** The value `@NoCache()` stores: the route is passed through untouched. */
export const NO_CACHE: unique symbol = Symbol('routecache:no-cache');

/**
 * Nest's own route metadata keys (stable since Nest 5, read from `@nestjs/common/constants`),
 * copied here so that no deep import into Nest is needed.
 */
export const NEST_METADATA = {
  routeArgs: '__routeArguments__',
  passthrough: '__responsePassthrough__',
  headers: '__headers__',
  httpCode: '__httpCode__',
  redirect: '__redirect__',
  render: '__renderTemplate__',
  sse: '__sse__',
} as const;
