import type { MetricsHub } from '../metrics/metrics-hub';
import type { CacheEntry, InvalidationMode, Logger, Store } from '../types';
import type { StatsRecorder } from './stats';

/**
 * The store as the engine calls it: every call is wrapped so a rejection (or a synchronous
 * throw) never reaches a request (behaviour 9). A failed read is a miss, a failed write is
 * skipped; each failure is counted in `errors` and reported to the logger.
 */
export interface SafeStore {
  readonly store: Store;
  get(key: string, route?: string): Promise<CacheEntry | undefined>;
  /**
   * `get(key).then(then)` in one step: `then` gets the entry, or `undefined` when the store
   * failed (counted and logged). One promise and one microtask turn less per lookup than the
   * chain (every request that misses L1).
   */
  read<U>(
    key: string,
    route: string | undefined,
    then: (entry: CacheEntry | undefined) => U,
  ): Promise<Awaited<U>>;
  /** `store.peek` when the store has it: the entry at hand synchronously, else `undefined` (then call `get`). */
  peek(key: string, route?: string, now?: number): CacheEntry | undefined;
  set(key: string, entry: CacheEntry, notBefore: number | undefined, route?: string): Promise<boolean>;
  /**
   * Takes the store's cross-instance lock: `'acquired'` (with its release), `'held'` by another
   * instance, or `'failed'` (no lock, or the store failed: proceed without it).
   */
  acquireLock(key: string, leaseMs: number, route?: string): Promise<LockAttempt>;
  /** Releases a lock; failures are counted and logged (the lease expires anyway). */
  releaseLock(release: () => Promise<void>, key: string): Promise<void>;
  /** Resolves the count, or `undefined` when the store failed (already counted and logged). */
  delete(keys: readonly string[]): Promise<number | undefined>;
  invalidateTags(tags: readonly string[], mode: InvalidationMode, now: number): Promise<number | undefined>;
  expireKeys(keys: readonly string[], now: number): Promise<number | undefined>;
}

/** Outcome of `SafeStore.acquireLock`. */
export type LockAttempt =
  | { readonly state: 'acquired'; readonly release: () => Promise<void> }
  | { readonly state: 'held' }
  | { readonly state: 'failed' };

/** Wraps `store` so its failures become misses, counted in `stats` and logged. */
export function createSafeStore(
  store: Store,
  stats: StatsRecorder,
  logger: Logger,
  metrics?: MetricsHub,
): SafeStore {
  async function attempt<T>(
    operation: string,
    fallback: T,
    route: string | undefined,
    call: () => Promise<T>,
    detail: Record<string, unknown>,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      report(operation, route, error, detail);
      return fallback;
    }
  }

  function report(
    operation: string,
    route: string | undefined,
    error: unknown,
    detail: Record<string, unknown>,
  ): void {
    stats.count('errors', route);
    if (metrics?.active) metrics.storeFailure(operation, route);
    logger.warn(`routecache: store ${operation} failed; continuing without the cache`, {
      ...detail,
      store: store.name,
      operation,
      error,
    });
  }

  /**
   * Not through `attempt`: every lookup that misses L1 comes here, so no async frame and no
   * detail object unless it fails (part of the ~1 µs saved per L2 hit). A throw of `then`
   * rejects, as it would in a `.then` chained after.
   */
  function read<U>(
    key: string,
    route: string | undefined,
    then: ((entry: CacheEntry | undefined) => U) | undefined,
  ): Promise<Awaited<U>> {
    const failed = (error: unknown): U | undefined => {
      report('get', route, error, { key });
      return then ? then(undefined) : undefined;
    };
    let pending: Promise<CacheEntry | undefined>;
    try {
      // Promise.resolve returns a native promise as is; it guards a store returning a plain value.
      pending = Promise.resolve(store.get(key));
    } catch (error) {
      report('get', route, error, { key });
      pending = Promise.resolve(undefined);
    }
    return pending.then(then, failed) as Promise<Awaited<U>>;
  }

  const peek = store.peek?.bind(store);
  return {
    store,
    peek: (key, route, now) => {
      if (peek === undefined) return undefined;
      try {
        return peek(key, now);
      } catch (error) {
        report('peek', route, error, { key });
        return undefined;
      }
    },
    get: (key, route) => read(key, route, undefined),
    read,
    set: (key, entry, notBefore, route) =>
      attempt(
        'set',
        false,
        route,
        () => store.set(key, entry, notBefore === undefined ? undefined : { notBefore }),
        {
          key,
        },
      ),
    acquireLock: (key, leaseMs, route) =>
      attempt<LockAttempt>(
        'lock',
        { state: 'failed' },
        route,
        async () => {
          if (!store.lock) return { state: 'failed' };
          const release = await store.lock.acquire(key, leaseMs);
          return release ? { state: 'acquired', release } : { state: 'held' };
        },
        { key },
      ),
    releaseLock: (release, key) => attempt('unlock', undefined, undefined, release, { key }),
    delete: (keys) =>
      attempt<number | undefined>('delete', undefined, undefined, () => store.delete(keys), { keys }),
    invalidateTags: (tags, mode, now) =>
      attempt<number | undefined>(
        'invalidateTags',
        undefined,
        undefined,
        () => store.invalidateTags(tags, mode, now),
        {
          tags,
          mode,
        },
      ),
    expireKeys: (keys, now) =>
      attempt<number | undefined>(
        'expireKeys',
        undefined,
        undefined,
        async () => (store.expireKeys ? store.expireKeys(keys, now) : 0),
        { keys },
      ),
  };
}
