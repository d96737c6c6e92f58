/**
 * The contracts of a store and a bus: what an entry is, what a store must do with it, and how
 * invalidations travel between instances. For whoever writes or wraps a store.
 */

import type { StoreObserver } from '../metrics/events';
import type { BusInspection, StoreInspection, StoreProbe, StoreProbeOptions } from '../metrics/inspection';
import type { LayerStats, ResponseHeaders } from '../types';

/** A stored HTTP response. Header names are lower-case; the body is bytes. */
export interface StoredResponse {
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
}

/** One entry in a store: a response or a data value, with its freshness and tags. */
export interface CacheEntry {
  /** The full canonical key, kept to rule out collisions of hashed store keys. */
  key: string;
  /** When it was stored, ms since epoch (cache clock). */
  storedAt: number;
  /** Fresh until, ms since epoch. */
  freshUntil: number;
  /** Grace windows after `freshUntil`, in seconds. */
  staleWhileRevalidate: number;
  staleIfError: number;
  /** When a store may drop it, ms since epoch: `freshUntil` plus its grace windows (`buildEntryTimes`). */
  expiresAt: number;
  tags: readonly string[];
  /** Set for HTTP entries. */
  response?: StoredResponse;
  /** Set for `getOrSet` entries; must survive JSON for L2 stores. */
  value?: unknown;
  /**
   * How long computing the entry took (the origin or `load` run), in ms. XFetch early refresh
   * (`earlyRefresh`) uses it as `delta`; stores keep it like the other fields.
   */
  computeMs?: number;
}

/** Options for `Store.set`. */
export interface StoreSetOptions {
  /**
   * Race guard (behaviour 8): the write is dropped when any of the entry's tags, or the key
   * itself, was invalidated at or after this time (ms since epoch, cache clock).
   */
  notBefore?: number;
}

/**
 * A place entries live. Every store passes `storeConformanceSuite()` from
 * `@routecache/core/testing`. Methods may reject; the engine turns rejections into misses.
 */
export interface Store {
  /** Short name for stats and logs, e.g. `'memory'`, `'redis'`, `'tiered'`. */
  readonly name: string;
  get(key: string): Promise<CacheEntry | undefined>;
  /**
   * Optional synchronous read for in-process stores: the entry when it is at hand right now
   * (counted as a hit), else `undefined`, and the engine then calls `get` (which counts the miss
   * or reads a slower layer). Lets an L1 hit skip the promise chain of `get`. `now` is the
   * engine's time for this request on the cache's clock (ms since epoch), the clock every
   * `expiresAt` is set by: a store may check expiry against it instead of reading a clock again
   * (on a VM's clock each reading costs ~60 ns, a tenth of what an L1 hit costs on top of Hono).
   * `memoryStore` does; `tieredStore` does not (its L1 copies expire by its own clock).
   */
  peek?(key: string, now?: number): CacheEntry | undefined;
  /** Stores the entry until `entry.expiresAt`. Resolves `false` when the race guard dropped it. */
  set(key: string, entry: CacheEntry, options?: StoreSetOptions): Promise<boolean>;
  /** Removes keys; resolves how many existed (where the store can count). */
  delete(keys: readonly string[]): Promise<number>;
  /**
   * Invalidates every entry carrying one of `tags`: removes it (`'delete'`) or makes it stale
   * (`'expire'`: `freshUntil` set to now, grace windows kept). Also records the invalidation time
   * per tag for the race guard. Resolves how many entries were touched (where countable).
   */
  invalidateTags(tags: readonly string[], mode: InvalidationMode, now: number): Promise<number>;
  /** Like `invalidateTags` for keys, mode `'expire'`; records the time for the race guard. */
  expireKeys?(keys: readonly string[], now: number): Promise<number>;
  /** Drops everything this store holds under its own prefix. */
  clear?(): Promise<void>;
  /** Cross-instance stampede lock (behaviour 6), for stores shared between instances. */
  readonly lock?: StoreLock;
  /** Per-layer counters, when the store has layers. */
  stats?(): Partial<Record<'l1' | 'l2', LayerStats>>;
  close?(): Promise<void>;
  /**
   * Receives the cache's metrics observer (once, at `createCache()`): the store wraps its calls
   * to a remote layer with `observer.around()` and reports bus health, so they are timed,
   * classified and traced. Costs one check per call while nothing listens.
   */
  instrument?(observer: StoreObserver): void;
  /** Synchronous, cheap state for gauges: L1 usage against its bounds, breaker, bus. */
  inspect?(): StoreInspection;
  /** Reachability of the shared layer (a PING) and an optional bounded key sample; for `health()`. */
  probe?(options: StoreProbeOptions): Promise<StoreProbe>;
  /**
   * The layer an entry this store just returned came from (layered stores). Without it: `'l1'`
   * for stores with `peek` (in-process), `'l2'` otherwise.
   */
  layerOf?(entry: CacheEntry): 'l1' | 'l2';
}

export type InvalidationMode = 'delete' | 'expire';

/**
 * A lock shared between instances (Redis `SET NX PX` with a random token). The engine takes it
 * on a miss; other instances wait (polling `get`) up to `lock.wait` for the holder's entry,
 * then run the handler themselves.
 */
export interface StoreLock {
  /** Takes the lock for `leaseMs`; resolves a release function (releases only our own token), or `undefined` when held elsewhere. */
  acquire(key: string, leaseMs: number): Promise<(() => Promise<void>) | undefined>;
}

/**
 * A message between instances, carried by a `Bus`. `from` is the sending bus's `id`; `at` is
 * when the invalidation happened (ms since epoch, cache clock), for the receiver's race guard.
 */
export type BusMessage =
  | { type: 'delete'; keys: readonly string[]; from: string; at?: number }
  | { type: 'expire'; keys: readonly string[]; from: string; at?: number }
  | { type: 'tags'; tags: readonly string[]; mode: InvalidationMode; from: string; at?: number };

/** Carries invalidations between instances so every L1 stays coherent. */
export interface Bus {
  /** This instance's id; stamped as `from` on what it publishes (its own messages are not delivered back to it). */
  readonly id?: string;
  publish(message: BusMessage): Promise<void>;
  /** `onHealth(false)` when the subscription is lost (messages may have been missed), `true` when back. */
  subscribe(onMessage: (message: BusMessage) => void, onHealth?: (healthy: boolean) => void): Promise<void>;
  close(): Promise<void>;
  /** Health, last heartbeat and lag, for gauges and `health()`. */
  inspect?(): BusInspection;
}
