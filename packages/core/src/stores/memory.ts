import { LRUCache } from 'lru-cache';
import { PolicyError } from '../errors';
import type { L1Inspection, StoreInspection } from '../metrics/inspection';
import type { CacheEntry, InvalidationMode, LayerStats, Store, StoreSetOptions } from '../types';
import { expireKeepingGrace } from './entry-times';
import { createInvalidationLog } from './invalidation-log';

/** `memoryStore()` options. */
export interface MemoryStoreOptions {
  /**
   * Upper bound of the memory the entries take, in bytes (body bytes plus an estimate of the
   * headers, key, tags and values). Least recently used entries are evicted beyond it; an entry
   * larger than the whole store is not stored.
   * @default 67108864 (64 MiB)
   */
  maxBytes?: number;
  /**
   * Upper bound of the number of entries.
   * @default 100000
   */
  maxEntries?: number;
  /**
   * How many tag/key invalidation times the race guard remembers; past it the oldest are
   * forgotten and writes from handler runs that started before them are dropped.
   * @default 10000
   */
  maxInvalidationRecords?: number;
  /**
   * Milliseconds since epoch, compared with `entry.expiresAt`. Give the cache's clock in tests.
   * @default Date.now
   */
  clock?: () => number;
}

/** A `Store` in process memory, plus its current usage. */
export interface MemoryStore extends Store {
  /** Entries held (expired ones not yet purged included), their estimated bytes, and indexed tags. */
  usage(): { entries: number; bytes: number; tags: number };
  inspect(): StoreInspection & { l1: L1Inspection };
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 100_000;
/** Expired entries are swept at most this often (cache clock), besides lazy removal on read. */
const PURGE_INTERVAL_MS = 60_000;

/**
 * A store in process memory on lru-cache, bounded in bytes and in entries, with a tag index
 * kept consistent on eviction and the race guard of behaviour 8. Runs anywhere (no `node:`).
 *
 * `set` resolves `false` when the entry was not stored: dropped by the race guard, already
 * expired, or larger than `maxBytes`.
 *
 * @throws PolicyError naming the option when an option is invalid.
 * @see https://github.com/isaacs/node-lru-cache
 * @example
 * const cache = createCache({ store: memoryStore({ maxBytes: 16 * 1024 * 1024 }) });
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxBytes = positiveInteger(options.maxBytes, DEFAULT_MAX_BYTES, 'maxBytes');
  const maxEntries = positiveInteger(options.maxEntries, DEFAULT_MAX_ENTRIES, 'maxEntries');
  const maxRecords = positiveInteger(options.maxInvalidationRecords, 10_000, 'maxInvalidationRecords');
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new PolicyError('clock', 'memoryStore: must be a function returning ms since epoch');
  }
  const clock = options.clock ?? Date.now;

  /** tag -> keys of the entries carrying it; kept in step with the LRU through `dispose`. */
  const tagIndex = new Map<string, Set<string>>();
  const guard = createInvalidationLog(maxRecords);
  const counters: LayerStats = { hits: 0, misses: 0, errors: 0 };
  let lastPurge = clock();
  let evictions = 0;

  // No lru-cache TTLs: each entry carries its `expiresAt`, which every read checks on `clock`
  // (one clock read per hit instead of two, and no TTL bookkeeping), and the sweep removes.
  const entries = new LRUCache<string, CacheEntry>({
    max: maxEntries,
    maxSize: maxBytes,
    dispose: (entry, key, reason) => {
      if (reason === 'evict') evictions++;
      unindex(key, entry);
    },
  });

  function index(key: string, entry: CacheEntry): void {
    for (const tag of entry.tags) {
      let keys = tagIndex.get(tag);
      if (!keys) {
        keys = new Set();
        tagIndex.set(tag, keys);
      }
      keys.add(key);
    }
  }

  function unindex(key: string, entry: CacheEntry): void {
    for (const tag of entry.tags) {
      const keys = tagIndex.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) tagIndex.delete(tag);
    }
  }

  /** Writes an entry until its `expiresAt`; false when not stored (already expired, or too large). */
  function put(key: string, entry: CacheEntry, now: number): boolean {
    const size = estimateEntrySize(key, entry);
    if (!(entry.expiresAt > now) || size > maxBytes) {
      entries.delete(key);
      return false;
    }
    entries.set(key, entry, { size });
    index(key, entry);
    return true;
  }

  /**
   * The live entry at `now` (counted as a hit), or `undefined` (an expired one is dropped); misses
   * are counted by `get`. `now`: the engine's reading of the cache's clock (`Store.peek`), else ours.
   */
  function read(key: string, now?: number): CacheEntry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > (now ?? clock())) {
      counters.hits++;
      return entry;
    }
    entries.delete(key);
    return undefined;
  }

  /** The entry under `key` unless it expired (then dropped), without counting or reordering it. */
  function live(key: string, now: number): CacheEntry | undefined {
    const entry = entries.peek(key);
    if (entry === undefined || entry.expiresAt > now) return entry;
    entries.delete(key);
    return undefined;
  }

  /** Drops the expired entries, at most every `PURGE_INTERVAL_MS` (a walk over all of them). */
  function purgeIfDue(now: number): void {
    if (now - lastPurge < PURGE_INTERVAL_MS) return;
    lastPurge = now;
    const expired: string[] = [];
    entries.forEach((entry, key) => {
      if (!(entry.expiresAt > now)) expired.push(key);
    });
    for (const key of expired) entries.delete(key);
  }

  /** Makes one entry stale now, keeping its grace windows (RFC 5861); true when it existed. */
  function expire(key: string, now: number): boolean {
    const entry = live(key, now);
    if (!entry) return false;
    const expired = expireKeepingGrace(entry, now);
    if (expired) put(key, expired, now);
    return true;
  }

  function keysOf(tags: readonly string[]): Set<string> {
    const keys = new Set<string>();
    for (const tag of tags) for (const key of tagIndex.get(tag) ?? []) keys.add(key);
    return keys;
  }

  return {
    name: 'memory',

    async get(key: string): Promise<CacheEntry | undefined> {
      const entry = read(key, undefined);
      if (entry === undefined) counters.misses++;
      return entry;
    },

    peek: read,

    async set(key: string, entry: CacheEntry, setOptions?: StoreSetOptions): Promise<boolean> {
      const notBefore = setOptions?.notBefore;
      if (notBefore !== undefined) {
        const names = [`k:${key}`, ...entry.tags.map((tag) => `t:${tag}`)];
        if (guard.isInvalidatedSince(names, notBefore)) return false;
      }
      const now = clock();
      purgeIfDue(now);
      return put(key, entry, now);
    },

    async delete(keys: readonly string[]): Promise<number> {
      const now = clock();
      let count = 0;
      for (const key of keys) {
        if (live(key, now) !== undefined) count++;
        entries.delete(key);
      }
      return count;
    },

    async invalidateTags(tags: readonly string[], mode: InvalidationMode, now: number): Promise<number> {
      for (const tag of tags) guard.record(`t:${tag}`, now);
      let count = 0;
      for (const key of keysOf(tags)) {
        if (mode === 'expire') {
          if (expire(key, now)) count++;
        } else {
          if (live(key, now) !== undefined) count++;
          entries.delete(key);
        }
      }
      return count;
    },

    async expireKeys(keys: readonly string[], now: number): Promise<number> {
      let count = 0;
      for (const key of keys) {
        guard.record(`k:${key}`, now);
        if (expire(key, now)) count++;
      }
      return count;
    },

    async clear(): Promise<void> {
      entries.clear();
      tagIndex.clear();
    },

    stats(): { l1: LayerStats } {
      return { l1: { ...counters } };
    },

    async close(): Promise<void> {
      entries.clear();
      tagIndex.clear();
    },

    usage(): { entries: number; bytes: number; tags: number } {
      return { entries: entries.size, bytes: entries.calculatedSize, tags: tagIndex.size };
    },

    inspect(): StoreInspection & { l1: L1Inspection } {
      return {
        l1: { entries: entries.size, maxEntries, bytes: entries.calculatedSize, maxBytes, evictions },
      };
    },
  };
}

/**
 * Fixed overhead per entry in bytes: the entry, response and header objects, the body's
 * `Uint8Array`, LRU and tag-index slots. Measured on Node 24 (heap + array buffers after a full
 * GC, 100,000 entries through `cache.handle()`, 64 B and 2 KB bodies): 200 left real memory
 * about 490 B per entry above the estimate (1.6× for small bodies); 700 brings them together.
 */
const ENTRY_OVERHEAD = 700;

/**
 * Estimated memory of an entry in bytes: body bytes plus strings counted at 2 bytes a
 * character, plus the JSON length of a data value.
 */
function estimateEntrySize(key: string, entry: CacheEntry): number {
  let size = ENTRY_OVERHEAD + (key.length + entry.key.length) * 2;
  // A tag is also a slot in the tag index (a Set of its own for a tag no other entry has).
  for (const tag of entry.tags) size += tag.length * 2 + 56;
  const response = entry.response;
  if (response) {
    size += response.body.byteLength;
    for (const [name, value] of Object.entries(response.headers)) {
      size += name.length * 2 + 16;
      if (typeof value === 'string') size += value.length * 2;
      else for (const item of value) size += item.length * 2 + 16;
    }
  }
  if (entry.value !== undefined) size += jsonSize(entry.value);
  return size;
}

function jsonSize(value: unknown): number {
  try {
    return (JSON.stringify(value)?.length ?? 0) * 2;
  } catch {
    // Not JSON-serialisable (cycles, BigInt): count a conservative constant.
    return 1024;
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new PolicyError(name, `memoryStore: must be a positive integer, got ${String(value)}`);
  }
  return value;
}
