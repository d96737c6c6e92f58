import { createPurgeQueue } from '../cdn/purge-queue';
import type { MetricsSink } from '../metrics/events';
import type { StoreInspection } from '../metrics/inspection';
import { createMetricsHub } from '../metrics/metrics-hub';
import { definePolicy } from '../policy/policy';
import type {
  CacheOptions,
  CacheStats,
  CdnStats,
  EarlyHits,
  EarlyHitsOptions,
  EntryOptions,
  InvalidationResult,
  InvalidationTarget,
  Policy,
  PolicyInput,
  RouteCache,
} from '../types';
import type { EngineContext } from './context';
import { createEarlyHits } from './early-hits';
import { createDataFlights, getOrSet } from './get-or-set';
import { createHandler } from './handle';
import { type CdnHealth, createHealth } from './health';
import { createHitForMiss } from './hit-for-miss';
import { instrumentHandle } from './instrumented-handle';
import { invalidate } from './invalidation';
import { resolveCacheOptions } from './options';
import { createRequestKeying } from './request-keying';
import { createSafeStore } from './safe-store';
import { createStatsRecorder } from './stats';

/**
 * Creates the cache: one store, one namespace, one invalidation model for HTTP responses
 * (`handle()`, called by the adapters) and data values (`getOrSet()`).
 *
 * Options are validated here; an invalid one throws a `PolicyError` naming it. At request time
 * the cache never makes a request fail: store errors become misses, counted in `stats().errors`
 * and reported to `logger`.
 *
 * @see https://github.com/routecache/routecache/blob/main/packages/core/README.md#engine
 * @example
 * const cache = createCache({ store: memoryStore(), defaults: { staleIfError: '1h' } });
 * const user = await cache.getOrSet(`user:${id}`, () => db.user(id), { ttl: '5m', tags: [`user:${id}`] });
 * await cache.invalidate({ tags: [`user:${id}`] });
 */
export function createCache(options: CacheOptions = {}): RouteCache {
  const resolved = resolveCacheOptions(options);
  const stats = createStatsRecorder();
  const metrics = createMetricsHub(resolved.logger);
  const context: EngineContext = {
    options: resolved,
    store: createSafeStore(resolved.store, stats, resolved.logger, metrics),
    stats,
    hitForMiss: createHitForMiss(resolved.hitForMissMs),
    cdn:
      resolved.cdn.purgers.length === 0
        ? undefined
        : createPurgeQueue({ purgers: resolved.cdn.purgers, ...resolved.cdn.retry, logger: resolved.logger }),
    refreshing: new Set(),
    background: new Set(),
    metrics,
  };
  try {
    resolved.store.instrument?.(metrics);
  } catch (error) {
    resolved.logger.warn('routecache: the store could not be instrumented; its calls are not measured', {
      error,
    });
  }
  const dataFlights = createDataFlights();
  const keying = createRequestKeying(resolved.logger);
  const handle = createHandler(context, keying);
  // While a metrics sink listens, requests go through the instrumented entry point (origin runs
  // timed and traced); otherwise straight to the engine: no cost when nothing listens.
  const instrumented = instrumentHandle(handle, metrics);
  metrics.onActiveChange((active) => {
    cache.handle = active ? instrumented : handle;
  });
  const getStats = (): CacheStats => {
    let layers: ReturnType<NonNullable<typeof resolved.store.stats>> | undefined;
    try {
      layers = resolved.store.stats?.();
    } catch {
      layers = undefined;
    }
    const snapshot = stats.snapshot(layers);
    if (context.cdn) snapshot.cdn = context.cdn.stats();
    return snapshot;
  };
  const health = createHealth(resolved.store, getStats, resolved.clock);
  let closed = false;

  const cache: RouteCache = {
    options: Object.freeze({
      maxBodyBytes: resolved.maxBodyBytes,
      namespace: resolved.namespace,
      cacheStatus: resolved.cacheStatus,
      tagHeader: resolved.tagHeader,
      targetedCacheControl: resolved.targetedCacheControl,
    }),
    handle,
    getOrSet<T>(key: string, load: () => Promise<T>, entryOptions?: EntryOptions): Promise<T> {
      return getOrSet(context, dataFlights, key, load, entryOptions);
    },
    invalidate(target: InvalidationTarget): Promise<InvalidationResult> {
      return invalidate(context, target);
    },
    earlyHits(doorOptions?: EarlyHitsOptions): EarlyHits {
      return createEarlyHits(context, keying, doorOptions);
    },
    definePolicy(input: PolicyInput): Policy {
      return definePolicy(input, resolved.defaults);
    },
    stats: getStats,
    observe(sink: MetricsSink): () => void {
      return metrics.add(sink);
    },
    inspect(): StoreInspection {
      try {
        return resolved.store.inspect?.() ?? {};
      } catch {
        return {};
      }
    },
    // The CDN purge queue reports its backlog unless the caller brings its own hook.
    health: (healthOptions) =>
      health(context.cdn ? { cdn: () => cdnBacklog(context.cdn!.stats()), ...healthOptions } : healthOptions),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Let background refreshes finish writing before the store goes away.
      await Promise.allSettled([...context.background]);
      await resolved.store.close?.();
    },
  };
  return cache;
}

/** The purge queue's counters as `health()`'s CDN backlog: pending and given-up purges, all CDNs. */
function cdnBacklog(stats: Record<string, CdnStats>): CdnHealth {
  let backlog = 0;
  let failed = 0;
  for (const name in stats) {
    backlog += stats[name]!.pending;
    failed += stats[name]!.failed;
  }
  return { backlog, failed };
}
