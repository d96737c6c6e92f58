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
export function createSafeStore(store: Store, stats: StatsRecorder, logger: Logger): SafeStore {
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
      stats.count('errors', route);
      try {
        logger.warn(`routecache: store ${operation} failed; continuing without the cache`, {
          ...detail,
          store: store.name,
          operation,
          error,
        });
      } catch {
        // A throwing logger must not fail the request either.
      }
      return fallback;
    }
  }

  return {
    store,
    get: (key, route) => attempt('get', undefined, route, () => store.get(key), { key }),
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
