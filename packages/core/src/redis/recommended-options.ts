import type { ClusterOptions, RedisOptions } from 'ioredis';

/**
 * ioredis options for a client used as a cache (pass them when you create the client you give
 * `redisStore()` / `redisBus()`):
 *
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL, recommendedRedisOptions);
 * ```
 *
 * Why: ioredis's defaults suit a primary database, not a cache. By default it queues every
 * command while Redis is unreachable (`enableOfflineQueue: true`), retries each one across 20
 * reconnections (`maxRetriesPerRequest: 20`) and has no command timeout, so a request that
 * consults the cache while Redis is down would hang for seconds. A cache must fail fast and let
 * the request go to the origin instead:
 *
 * - `enableOfflineQueue: false`: while disconnected, commands reject at once (a miss), not queue.
 * - `maxRetriesPerRequest: 1`: a command caught by a dropped connection is retried once, then rejects.
 * - `connectTimeout: 2000`: a dead host is detected in 2 s, not 10 s.
 * - `retryStrategy`: reconnect forever with a capped backoff (50 ms steps, at most 2 s), so
 *   Redis coming back is picked up without restarting the app.
 *
 * `redisStore()` additionally bounds every call by its own `timeoutMs` (default 250 ms), so even a
 * client with default options never stalls a request longer than that.
 */
export const recommendedRedisOptions: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  retryStrategy: (times: number): number => Math.min(times * 50, 2000),
};

/**
 * ioredis `Cluster` options for a cache (`new Cluster(nodes, recommendedClusterOptions)`).
 *
 * - `clusterRetryStrategy`: reconnect to the cluster forever with a capped backoff (at most 2 s).
 * - `retryDelayOnFailover` / `retryDelayOnClusterDown` / `retryDelayOnTryAgain: 100`: during a
 *   failover a command is re-sent every 100 ms instead of failing, so a failover costs a short
 *   pause rather than errors; `redisStore()`'s `timeoutMs` still bounds how long a request waits
 *   (a call past it counts as a miss).
 * - `enableOfflineQueue` stays on at the cluster level: the cluster client briefly goes "not
 *   ready" while it refreshes its slot map after a failover, and queueing is what lets commands
 *   survive that; the per-node connections fail fast (`redisOptions`).
 * - `slotsRefreshTimeout: 2000`: a dead node does not stall the slot refresh for long.
 */
export const recommendedClusterOptions: ClusterOptions = {
  clusterRetryStrategy: (times: number): number => Math.min(times * 100, 2000),
  retryDelayOnFailover: 100,
  retryDelayOnClusterDown: 100,
  retryDelayOnTryAgain: 100,
  maxRedirections: 16,
  slotsRefreshTimeout: 2000,
  redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2000 },
};
