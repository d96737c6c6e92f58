import type { PurgeQueue } from '../cdn/purge-queue';
import type { MetricsHub } from '../metrics/metrics-hub';
import type { HitForMiss } from './hit-for-miss';
import type { ResolvedCacheOptions } from './options';
import type { SafeStore } from './safe-store';
import type { StatsRecorder } from './stats';

/** The state one `createCache()` instance shares between its parts. */
export interface EngineContext {
  readonly options: ResolvedCacheOptions;
  readonly store: SafeStore;
  readonly stats: StatsRecorder;
  readonly hitForMiss: HitForMiss;
  /** The CDN purges, when `cdn` purgers are configured: the last layer of an invalidation. */
  readonly cdn: PurgeQueue | undefined;
  /** Keys with a background refresh in progress: at most one per key (behaviour 7). */
  readonly refreshing: Set<string>;
  /** Background work in progress, awaited by `close()`. */
  readonly background: Set<Promise<unknown>>;
  /** Where metrics events go; `metrics.active` is false (and nothing is emitted) while no sink listens. */
  readonly metrics: MetricsHub;
}

/** Runs `work` detached from the caller: tracked for `close()`, failures logged, never thrown. */
export function runInBackground(
  context: EngineContext,
  label: string,
  work: () => Promise<unknown>,
  waitUntil?: (promise: Promise<unknown>) => void,
): void {
  const promise = (async () => {
    try {
      await work();
    } catch (error) {
      context.options.logger.error(`routecache: ${label} failed`, { error });
    }
  })();
  context.background.add(promise);
  void promise.then(() => context.background.delete(promise));
  try {
    waitUntil?.(promise);
  } catch {
    // The platform refused to extend the request's lifetime; the work still runs.
  }
}

/**
 * Behaviour 7: at most one background refresh per key (`context.refreshing`), run by
 * `runInBackground`; `key` is freed when `work` settles. Does nothing while one is running.
 */
export function refreshOnce(
  context: EngineContext,
  key: string,
  label: string,
  work: () => Promise<unknown>,
  waitUntil?: (promise: Promise<unknown>) => void,
): void {
  if (context.refreshing.has(key)) return;
  context.refreshing.add(key);
  const refresh = async (): Promise<void> => {
    try {
      await work();
    } finally {
      context.refreshing.delete(key);
    }
  };
  runInBackground(context, `background refresh of ${label}`, refresh, waitUntil);
}
