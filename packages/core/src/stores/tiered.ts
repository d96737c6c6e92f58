import { PolicyError, StoreError } from '../errors';
import type { StoreObserver } from '../metrics/events';
import type { StoreInspection, StoreProbe, StoreProbeOptions } from '../metrics/inspection';
import { parseDuration } from '../policy/duration';
import type {
  Bus,
  BusMessage,
  CacheEntry,
  Duration,
  InvalidationMode,
  LayerStats,
  Logger,
  Store,
  StoreLock,
  StoreSetOptions,
} from '../types';
import { safeLogger } from '../util/safe-logger';

/** `tieredStore()` options. */
export interface TieredStoreOptions {
  /** The in-process layer, e.g. `memoryStore()`. */
  l1: Store;
  /** The shared layer, e.g. `redisStore({ client })`. */
  l2: Store;
  /**
   * Carries invalidations (and overwrites) to the other instances so their L1s drop the
   * entries, e.g. `redisBus({ client })`. Without a bus, L1s of other instances keep serving
   * what they hold until `l1Ttl` ends: fine for a single instance only.
   */
  bus?: Bus;
  /**
   * Longest time an entry stays in L1, seconds or a duration string: the bound on how long an
   * instance may serve an entry another instance replaced if a bus message is lost.
   * @default 60
   */
  l1Ttl?: Duration;
  /**
   * Milliseconds since epoch, used for the `l1Ttl` cap and the time of invalidations received
   * from other instances. Give the cache's clock in tests.
   * @default Date.now
   */
  clock?: () => number;
  /** Where L2 failures are reported (each becomes an L2 miss). Default: silent. */
  logger?: Logger;
}

/** The store `tieredStore()` returns. */
export interface TieredStore extends Store {
  expireKeys(keys: readonly string[], now: number): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
  stats(): { l1: LayerStats; l2: LayerStats };
  /** False while the bus subscription is down (L1 is then bypassed) or not yet established. */
  readonly busHealthy: boolean;
  instrument(observer: StoreObserver): void;
  inspect(): StoreInspection;
  probe(options: StoreProbeOptions): Promise<StoreProbe>;
  layerOf(entry: CacheEntry): 'l1' | 'l2';
}

/**
 * Two layers: an in-process L1 in front of a shared L2, kept coherent between instances by a bus.
 *
 * - `get` reads L1, then L2; an L2 hit is written back to L1 (its life capped at `l1Ttl`).
 * - `set` writes L2 first (it owns the race guard) and L1 only when L2 accepted or failed, and
 *   tells the other instances to drop the key from their L1.
 * - `delete`, `invalidateTags` and `expireKeys` act on both layers and are published on the bus;
 *   a message from another instance removes the keys or tags from this L1 (the next read finds
 *   L2's state, stale entries included). An instance ignores its own messages (the bus's job).
 * - L2 failures never reject: they count in `stats().l2.errors`, go to the logger, and read as
 *   misses, while L1 keeps serving.
 * - Redis pub/sub is at-most-once: when the bus reports a lost subscription, L1 is dropped
 *   entirely and bypassed (reads and writes go to L2 only) until the bus is healthy again, and
 *   dropped once more then (it may have been written before the loss was noticed).
 *
 * Edge-safe: no `node:` import.
 *
 * @example
 * const redis = new Redis(url, recommendedRedisOptions);
 * const store = tieredStore({ l1: memoryStore(), l2: redisStore({ client: redis }), bus: redisBus({ client: redis }) });
 */
export function tieredStore(options: TieredStoreOptions): TieredStore {
  const { l1, l2, bus } = options;
  const logger = options.logger === undefined ? undefined : safeLogger(options.logger);
  if (!l1 || !l2 || typeof l1.get !== 'function' || typeof l2.get !== 'function') {
    throw new PolicyError(
      l1 && typeof l1.get === 'function' ? 'tieredStore.l2' : 'tieredStore.l1',
      'must be a store',
    );
  }
  const l1TtlMs = parseDuration(options.l1Ttl ?? 60, 'l1Ttl') * 1000;
  const clock = options.clock ?? Date.now;
  const l1Stats = { hits: 0, misses: 0, errors: 0 };
  const l2Stats = { hits: 0, misses: 0, errors: 0 };
  /** Without a bus there is nobody to stay coherent with: L1 is always usable. */
  let healthy = bus === undefined;
  let closed = false;
  /** L1 entry object -> the same entry with its real `expiresAt` (see `fromL1`). */
  const restoredFromL1 = new WeakMap<CacheEntry, CacheEntry>();
  /** Entries `get` returned from L2 (L1 keeps its own copy), for `layerOf`. */
  const fromL2 = new WeakSet<CacheEntry>();
  let observer: StoreObserver | undefined;

  const report = (operation: string, error: unknown, context: Record<string, unknown> = {}) => {
    logger?.warn(`routecache: l2 ${operation} failed`, { layer: 'l2', operation, error, ...context });
  };

  /** Runs an L2 call; a failure is counted, logged and turned into `fallback`. */
  async function onL2<T>(
    operation: string,
    call: () => Promise<T>,
    fallback: T,
    context?: Record<string, unknown>,
  ) {
    try {
      return { ok: true as const, value: await call() };
    } catch (error) {
      l2Stats.errors++;
      report(operation, error, context);
      return { ok: false as const, value: fallback, error };
    }
  }

  /**
   * An invalidation must not look done when L2 still holds the entries: after L1 and the bus
   * did their part, an L2 failure rejects (the engine reports it to `invalidate()`'s caller).
   */
  function settleInvalidation(
    operation: string,
    shared: { ok: boolean; value: number; error?: unknown },
  ): number {
    if (shared.ok) return shared.value;
    throw new StoreError(`l2 ${operation} failed: the shared entries may still be served`, {
      store: 'tiered',
      cause: shared.error,
    });
  }

  /** L1 failures (rare: a memory store does not fail) are counted and ignored. */
  async function onL1<T>(call: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await call();
    } catch {
      l1Stats.errors++;
      return fallback;
    }
  }

  function dropL1(): void {
    if (l1.clear) void onL1(() => l1.clear!(), undefined);
  }

  /**
   * Removes keys an invalidation expired from L1 and records when, so that an L2 read that
   * started before and answers after is not written back (L1's race guard, `notBefore`).
   */
  async function forgetKeys(keys: readonly string[], at: number): Promise<void> {
    await onL1(() => l1.delete(keys), 0);
    if (l1.expireKeys) await onL1(() => l1.expireKeys!(keys, at), 0);
  }

  /**
   * The entry as L1 keeps it: its life capped at `l1Ttl` from now. The real `expiresAt` rides
   * along under a symbol (kept by in-process stores) and is restored on read.
   */
  function forL1(entry: CacheEntry): CacheEntry {
    const cap = clock() + l1TtlMs;
    if (entry.expiresAt <= cap) return entry;
    return Object.assign({ ...entry, expiresAt: cap }, { [REAL_EXPIRES_AT]: entry.expiresAt });
  }

  /**
   * The entry with its real `expiresAt`, restored once per L1 entry object (an L1 hit then copies
   * nothing); a store that rewrites an entry (expire) makes a new object, restored afresh.
   */
  function fromL1(entry: CacheEntry): CacheEntry {
    const real = (entry as { [REAL_EXPIRES_AT]?: number })[REAL_EXPIRES_AT];
    if (real === undefined) return entry;
    let restored = restoredFromL1.get(entry);
    if (restored === undefined) {
      const { [REAL_EXPIRES_AT]: _, ...rest } = entry as CacheEntry & { [REAL_EXPIRES_AT]?: number };
      restored = { ...rest, expiresAt: real };
      restoredFromL1.set(entry, restored);
    }
    return restored;
  }

  function publish(message: DistributiveOmit<BusMessage, 'from'>): Promise<void> {
    if (!bus) return Promise.resolve();
    return bus.publish({ ...message, from: bus.id ?? '' } as BusMessage).catch((error: unknown) => {
      logger?.warn('routecache: bus publish failed', { layer: 'bus', error });
    });
  }

  function onMessage(message: BusMessage): void {
    if (!healthy) return; // L1 is bypassed anyway
    // Recorded at receipt, never earlier: an L2 read that started before this moment may have
    // been answered before the sender changed L2, and must not be written back to L1 (`get`).
    const at = Math.max(message.at ?? 0, clock());
    if (message.type === 'tags') void onL1(() => l1.invalidateTags(message.tags, 'delete', at), 0);
    else if (message.type === 'expire') void forgetKeys(message.keys, at);
    // An overwrite elsewhere ('delete' after a set): the entry read meanwhile may well be the
    // new one, so it is not refused; what it replaced was valid, within its own freshness.
    else void onL1(() => l1.delete(message.keys), 0);
  }

  /** Once the bus reports health itself, its reports alone decide (not the subscribe promise). */
  let healthReported = false;

  /** Bumped on every health report: an L2 read from before a loss is not written back to L1. */
  let healthEpoch = 0;

  function onHealth(isHealthy: boolean): void {
    if (closed) return;
    healthReported = true;
    if (healthy && !isHealthy) {
      logger?.warn('routecache: bus lost; L1 bypassed until it recovers', { layer: 'bus' });
    } else if (!healthy && isHealthy) {
      logger?.debug?.('routecache: bus healthy; L1 in use', { layer: 'bus' });
    }
    healthy = isHealthy;
    healthEpoch++;
    observer?.busHealth(isHealthy);
    // Messages may have been missed (losing) or L1 written before the loss was noticed (back).
    dropL1();
  }

  if (bus) {
    bus.subscribe(onMessage, onHealth).then(
      () => {
        if (!closed && !healthReported) healthy = true;
      },
      (error: unknown) => {
        healthy = false;
        logger?.warn('routecache: bus subscription failed; L1 bypassed until it recovers', {
          layer: 'bus',
          error,
        });
      },
    );
  }

  const lock: StoreLock | undefined = l2.lock;

  return {
    name: 'tiered',
    ...(lock ? { lock } : {}),

    get busHealthy() {
      return healthy;
    },

    peek(key: string): CacheEntry | undefined {
      // Only an L1 with a synchronous read; anything else (and every miss) goes through `get`.
      if (!healthy || !l1.peek) return undefined;
      let local: CacheEntry | undefined;
      try {
        local = l1.peek(key);
      } catch {
        l1Stats.errors++;
        return undefined;
      }
      if (local === undefined) return undefined;
      l1Stats.hits++;
      return fromL1(local);
    },

    async get(key: string): Promise<CacheEntry | undefined> {
      if (healthy) {
        const local = await onL1(() => l1.get(key), undefined);
        if (local) {
          l1Stats.hits++;
          return fromL1(local);
        }
        l1Stats.misses++;
      }
      const readAt = clock();
      const readEpoch = healthEpoch;
      const shared = await onL2('get', () => l2.get(key), undefined, { key });
      if (!shared.value) {
        l2Stats.misses++;
        return undefined;
      }
      l2Stats.hits++;
      fromL2.add(shared.value);
      // Not written back when an invalidation of the key or its tags reached L1 while L2 was
      // answering (L1's race guard, `notBefore`), nor across a bus loss (messages were missed):
      // the answer may be older than what L2 holds now, and L1 would keep it up to `l1Ttl`.
      if (healthy && healthEpoch === readEpoch) {
        // L1 keeps its own object, so a later L1 hit is not taken for this L2 one (`layerOf`).
        const local = forL1(shared.value);
        const copy = local === shared.value ? { ...local } : local;
        await onL1(() => l1.set(key, copy, { notBefore: readAt }), false);
      }
      return shared.value;
    },

    async set(key: string, entry: CacheEntry, setOptions?: StoreSetOptions): Promise<boolean> {
      const shared = await onL2('set', () => l2.set(key, entry, setOptions), false, { key });
      // L2 refused it (race guard or already expired): L1 must not keep it either.
      if (shared.ok && !shared.value) return false;
      let stored = shared.value;
      if (healthy) stored = (await onL1(() => l1.set(key, forL1(entry), setOptions), false)) || stored;
      void publish({ type: 'delete', keys: [key], at: clock() });
      return stored;
    },

    async delete(keys: readonly string[]): Promise<number> {
      const [, shared] = await Promise.all([
        onL1(() => l1.delete(keys), 0),
        onL2('delete', () => l2.delete(keys), 0, { keys }),
      ]);
      await publish({ type: 'delete', keys, at: clock() });
      return settleInvalidation('delete', shared);
    },

    async invalidateTags(tags: readonly string[], mode: InvalidationMode, now: number): Promise<number> {
      const [, shared] = await Promise.all([
        onL1(() => l1.invalidateTags(tags, mode, now), 0),
        onL2('invalidateTags', () => l2.invalidateTags(tags, mode, now), 0, { tags }),
      ]);
      // Once more now that L2 is done: a read of ours answered by L2 before it changed stays out.
      const after = clock();
      if (after > now) await onL1(() => l1.invalidateTags(tags, mode, after), 0);
      await publish({ type: 'tags', tags, mode, at: now });
      return settleInvalidation('invalidateTags', shared);
    },

    async expireKeys(keys: readonly string[], now: number): Promise<number> {
      const expireIn = (store: Store) =>
        store.expireKeys ? store.expireKeys(keys, now) : store.delete(keys);
      const [, shared] = await Promise.all([
        onL1(() => expireIn(l1), 0),
        onL2('expireKeys', () => expireIn(l2), 0, { keys }),
      ]);
      // Once more now that L2 is done: a read of ours answered by L2 before it changed stays out.
      const after = clock();
      if (after > now) await onL1(() => (l1.expireKeys ? l1.expireKeys(keys, after) : l1.delete(keys)), 0);
      await publish({ type: 'expire', keys, at: now });
      return settleInvalidation('expireKeys', shared);
    },

    async clear(): Promise<void> {
      await Promise.all([
        onL1(async () => l1.clear?.(), undefined),
        onL2('clear', async () => l2.clear?.(), undefined),
      ]);
    },

    stats(): { l1: LayerStats; l2: LayerStats } {
      const skipped = l2.stats?.().l2?.skipped;
      return { l1: { ...l1Stats }, l2: { ...l2Stats, ...(skipped === undefined ? {} : { skipped }) } };
    },

    async close(): Promise<void> {
      closed = true;
      await Promise.all([bus?.close(), l1.close?.(), l2.close?.()]);
    },

    instrument(next: StoreObserver): void {
      observer = next;
      l1.instrument?.(next);
      l2.instrument?.(next);
    },

    inspect(): StoreInspection {
      const local = l1.inspect?.().l1;
      const shared = l2.inspect?.().l2;
      const busState = bus
        ? (bus.inspect?.() ?? { healthy, lastHeartbeatAt: undefined, lagMs: undefined, losses: 0 })
        : undefined;
      return {
        ...(local ? { l1: local } : {}),
        ...(shared ? { l2: shared } : {}),
        // The tiered store's own view decides: it bypasses L1 until the bus reports health itself.
        ...(busState ? { bus: { ...busState, healthy } } : {}),
      };
    },

    async probe(options: StoreProbeOptions): Promise<StoreProbe> {
      return (await l2.probe?.(options)) ?? {};
    },

    layerOf(entry: CacheEntry): 'l1' | 'l2' {
      return fromL2.has(entry) ? 'l2' : 'l1';
    },
  };
}

const REAL_EXPIRES_AT: unique symbol = Symbol('routecache.realExpiresAt');

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
