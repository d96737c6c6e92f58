/**
 * `@routecache/core/redis`: the Redis L2 store, the pub/sub invalidation bus and the recommended
 * ioredis settings. Node only; ioredis is a peer dependency, imported as a type (you pass the
 * client in).
 */
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  createCircuitBreaker,
} from './circuit-breaker';
export { recommendedClusterOptions, recommendedRedisOptions } from './recommended-options';
export { type RedisBus, type RedisBusOptions, redisBus } from './redis-bus';
export { type RedisStore, type RedisStoreOptions, redisStore } from './redis-store';
