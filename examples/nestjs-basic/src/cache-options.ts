import { memoryStore, type RouteCacheModuleOptions, tieredStore } from '@routecache/nestjs';
import { redisBus, redisStore } from '@routecache/nestjs/redis';
import type { Redis } from 'ioredis';

/**
 * The memory store by default (no Redis needed). With a Redis client: an in-process L1 in front
 * of a Redis L2 shared by every instance, and a pub/sub bus that keeps every L1 coherent.
 */
export function cacheOptions(client: Redis | null): RouteCacheModuleOptions {
  if (!client) return {};
  return {
    store: tieredStore({
      l1: memoryStore(),
      l2: redisStore({ client, prefix: process.env.REDIS_PREFIX ?? 'nestjs-basic:' }),
      bus: redisBus({ client }),
    }),
  };
}
