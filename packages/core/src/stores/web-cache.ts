import { PolicyError } from '../errors';
import { atLeastOneSecond } from '../policy/duration';
import type {
  CacheEntry,
  Duration,
  InvalidationMode,
  LayerStats,
  Store,
  StoredResponse,
  StoreSetOptions,
} from '../types';
import { expireKeepingGrace } from './entry-times';
import { createInvalidationLog } from './invalidation-log';

/** The part of the Web Cache API (`Cache`) the store uses; `caches.default` and `caches.open()` give one. */
export interface WebCache {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
  delete(request: string): Promise<boolean>;
}

/** `webCacheStore()` options. */
export interface WebCacheStoreOptions {
  /**
   * The cache to use. Default: `caches.default` where it exists (Cloudflare Workers), else
   * `caches.open(name)` (Deno, browsers, service workers), opened on first use.
   */
  cache?: WebCache | Promise<WebCache>;
  /**
   * Name passed to `caches.open()` when `cache` is not given; also separates the stores'
   * key spaces inside one cache.
   * @default 'routecache'
   */
  name?: string;
  /**
   * Origin of the synthetic URLs entries are kept under. On Cloudflare, use a hostname of your
   * own zone if your plan restricts Cache API keys to it.
   * @default 'https://routecache.internal'
   */
  origin?: string;
  /**
   * Milliseconds since epoch, compared with `entry.expiresAt`. Give the cache's clock in tests.
   * @default Date.now
   */
  clock?: () => number;
  /**
   * How many keys this isolate remembers for tag counts and `clear()`; past it the oldest are
   * forgotten (they are still reached by the shared tag records, just not counted).
   * @default 10000
   */
  maxIndexedKeys?: number;
  /**
   * How long a tag or key invalidation record is kept in the cache, in seconds. Entries stored
   * before an invalidation stay hidden as long as the record lives; keep it at least as long as
   * your longest `ttl` plus grace windows. Seconds or a duration string (`'7d'`), at least 1 second.
   * @default 604800 (7 days)
   */
  recordTtl?: Duration;
}

/** When a tag or key was last invalidated, per mode, in ms since epoch (cache clock). */
interface InvalidationRecord {
  delete?: number;
  expire?: number;
}

/**
 * What is kept of an entry besides the response body: the entry itself, with its response's
 * status and headers in place of the response (the body follows the JSON, as bytes).
 */
type EntryMeta = Omit<CacheEntry, 'response'> & Partial<Pick<StoredResponse, 'status' | 'headers'>>;

const META_LENGTH = 'x-routecache-meta-length';
/** Expiry header of every stored Response (ms since epoch, cache clock). */
export const WEB_CACHE_EXPIRES_HEADER = 'x-routecache-expires';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A `Store` over the Web Cache API (`caches.default` on Cloudflare Workers, `caches.open()` in
 * Deno and service workers). Each entry is a Response (metadata + body) whose `Cache-Control:
 * max-age` lets the platform drop it at `expiresAt`, and whose `x-routecache-expires` header the
 * store checks on every read.
 *
 * Limits: the Cache API is local to one data center (a Cloudflare colo) and has no tag purge
 * and no listing. Tag invalidation therefore writes one invalidation record per tag into the
 * same cache; every read checks the records of the entry's tags, so an invalidation reaches
 * every isolate of the data center, but not other data centers (purge those through your CDN,
 * e.g. by `Cache-Tag`). Counts returned by `invalidateTags`/`delete` and `clear()` cover the keys
 * this isolate wrote. The platform may evict entries (and records) early.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/API/Cache
 * @example
 * const cache = createCache({ store: webCacheStore() });
 */
export function webCacheStore(options: WebCacheStoreOptions = {}): Store {
  const name = options.name ?? 'routecache';
  const base = `${(options.origin ?? 'https://routecache.internal').replace(/\/+$/, '')}/${encodeURIComponent(name)}`;
  const clock = options.clock ?? Date.now;
  const maxIndexedKeys = options.maxIndexedKeys ?? 10_000;
  if (!Number.isInteger(maxIndexedKeys) || maxIndexedKeys < 1)
    throw new PolicyError(
      'webCacheStore.maxIndexedKeys',
      `must be a positive integer, got ${String(maxIndexedKeys)}`,
    );
  const recordTtl = atLeastOneSecond(options.recordTtl ?? 604_800, 'webCacheStore.recordTtl');
  if (options.cache === undefined && typeof (globalThis as { caches?: unknown }).caches !== 'object') {
    throw new PolicyError(
      'webCacheStore.cache',
      'this runtime has no Web Cache API (`caches`); pass the `cache` option',
    );
  }
  let opened: Promise<WebCache> | undefined;
  const open = (): Promise<WebCache> => (opened ??= Promise.resolve(options.cache ?? defaultCache(name)));

  /** This isolate's keys -> tags, in insertion order, for counts and `clear()`. */
  const known = new Map<string, readonly string[]>();
  const guard = createInvalidationLog(maxIndexedKeys);
  const counters: LayerStats = { hits: 0, misses: 0, errors: 0 };

  const entryUrl = (key: string): string => `${base}/e/${encodeURIComponent(key)}`;
  const tagUrl = (tag: string): string => `${base}/t/${encodeURIComponent(tag)}`;
  const keyUrl = (key: string): string => `${base}/k/${encodeURIComponent(key)}`;

  function remember(key: string, tags: readonly string[]): void {
    known.delete(key);
    known.set(key, tags);
    if (known.size > maxIndexedKeys) known.delete(known.keys().next().value as string);
  }

  async function readRecord(cache: WebCache, url: string): Promise<InvalidationRecord> {
    const res = await cache.match(url);
    return res ? ((await res.json()) as InvalidationRecord) : {};
  }

  async function writeRecord(
    cache: WebCache,
    url: string,
    mode: InvalidationMode,
    now: number,
  ): Promise<void> {
    const record = await readRecord(cache, url);
    record[mode] = Math.max(record[mode] ?? 0, now);
    await cache.put(url, jsonResponse(record, recordTtl));
  }

  async function readEntry(cache: WebCache, key: string): Promise<CacheEntry | undefined> {
    const res = await cache.match(entryUrl(key));
    if (!res) return undefined;
    const expires = Number(res.headers.get(WEB_CACHE_EXPIRES_HEADER));
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (!(expires > clock())) return undefined;
    const metaLength = Number(res.headers.get(META_LENGTH));
    const meta = JSON.parse(decoder.decode(bytes.subarray(0, metaLength))) as EntryMeta;
    // `meta.key` is the canonical key, `key` the store key (hashed when long): the engine
    // compares the canonical key itself, to rule out hash collisions.
    return toEntry(meta, bytes.subarray(metaLength));
  }

  async function writeEntry(cache: WebCache, key: string, entry: CacheEntry): Promise<boolean> {
    const ttlMs = entry.expiresAt - clock();
    if (!(ttlMs > 0)) {
      await cache.delete(entryUrl(key));
      return false;
    }
    const { response, ...rest } = entry;
    const meta: EntryMeta = response ? { ...rest, status: response.status, headers: response.headers } : rest;
    const metaBytes = encoder.encode(JSON.stringify(meta));
    const body = entry.response?.body ?? new Uint8Array(0);
    const payload = new Uint8Array(metaBytes.byteLength + body.byteLength);
    payload.set(metaBytes, 0);
    payload.set(body, metaBytes.byteLength);
    await cache.put(
      entryUrl(key),
      new Response(payload, {
        headers: {
          'content-type': 'application/octet-stream',
          'cache-control': `max-age=${Math.ceil(ttlMs / 1000)}`,
          [META_LENGTH]: String(metaBytes.byteLength),
          [WEB_CACHE_EXPIRES_HEADER]: String(entry.expiresAt),
        },
      }),
    );
    remember(key, entry.tags);
    return true;
  }

  /** Applies invalidation records written by any isolate since the entry was stored. */
  async function applyRecords(cache: WebCache, entry: CacheEntry): Promise<CacheEntry | undefined> {
    if (entry.tags.length === 0) return entry;
    const records = await Promise.all(entry.tags.map((tag) => readRecord(cache, tagUrl(tag))));
    let freshUntil = entry.freshUntil;
    for (const record of records) {
      if (record.delete !== undefined && record.delete > entry.storedAt) return undefined;
      if (record.expire !== undefined && record.expire > entry.storedAt)
        freshUntil = Math.min(freshUntil, record.expire);
    }
    return freshUntil === entry.freshUntil ? entry : { ...entry, freshUntil };
  }

  async function isGuarded(
    cache: WebCache,
    key: string,
    tags: readonly string[],
    notBefore: number,
  ): Promise<boolean> {
    const names = [`k:${key}`, ...tags.map((tag) => `t:${tag}`)];
    if (guard.isInvalidatedSince(names, notBefore)) return true;
    const records = await Promise.all(
      [keyUrl(key), ...tags.map(tagUrl)].map((url) => readRecord(cache, url)),
    );
    return records.some((r) => Math.max(r.delete ?? -1, r.expire ?? -1) >= notBefore);
  }

  /** Makes one entry stale at `now`, keeping its grace windows (RFC 5861); true when it existed. */
  async function expireEntry(cache: WebCache, key: string, now: number): Promise<boolean> {
    const entry = await readEntry(cache, key);
    if (!entry) return false;
    const expired = expireKeepingGrace(entry, now);
    if (expired) await writeEntry(cache, key, expired);
    return true;
  }

  async function deleteKeys(cache: WebCache, keys: readonly string[]): Promise<number> {
    const deleted = await Promise.all(keys.map((key) => cache.delete(entryUrl(key))));
    for (const key of keys) known.delete(key);
    return deleted.filter(Boolean).length;
  }

  function knownKeysOf(tags: readonly string[]): string[] {
    const wanted = new Set(tags);
    const keys: string[] = [];
    for (const [key, keyTags] of known) if (keyTags.some((tag) => wanted.has(tag))) keys.push(key);
    return keys;
  }

  return {
    name: 'web-cache',

    async get(key: string): Promise<CacheEntry | undefined> {
      const cache = await open();
      const stored = await readEntry(cache, key);
      const entry = stored && (await applyRecords(cache, stored));
      if (entry) counters.hits++;
      else counters.misses++;
      return entry;
    },

    async set(key: string, entry: CacheEntry, setOptions?: StoreSetOptions): Promise<boolean> {
      const cache = await open();
      const notBefore = setOptions?.notBefore;
      if (notBefore !== undefined && (await isGuarded(cache, key, entry.tags, notBefore))) return false;
      return writeEntry(cache, key, entry);
    },

    async delete(keys: readonly string[]): Promise<number> {
      return deleteKeys(await open(), keys);
    },

    async invalidateTags(tags: readonly string[], mode: InvalidationMode, now: number): Promise<number> {
      if (tags.length === 0) return 0;
      const cache = await open();
      for (const tag of tags) guard.record(`t:${tag}`, now);
      await Promise.all(tags.map((tag) => writeRecord(cache, tagUrl(tag), mode, now)));
      const keys = knownKeysOf(tags);
      if (mode === 'delete') return deleteKeys(cache, keys);
      const expired = await Promise.all(keys.map((key) => expireEntry(cache, key, now)));
      return expired.filter(Boolean).length;
    },

    async expireKeys(keys: readonly string[], now: number): Promise<number> {
      const cache = await open();
      for (const key of keys) guard.record(`k:${key}`, now);
      await Promise.all(keys.map((key) => writeRecord(cache, keyUrl(key), 'expire', now)));
      const expired = await Promise.all(keys.map((key) => expireEntry(cache, key, now)));
      return expired.filter(Boolean).length;
    },

    /** Drops the entries this isolate wrote (the Web Cache API cannot list keys). */
    async clear(): Promise<void> {
      await deleteKeys(await open(), [...known.keys()]);
    },

    stats(): { l2: LayerStats } {
      return { l2: { ...counters } };
    },
  };
}

function defaultCache(name: string): Promise<WebCache> {
  const storage = (globalThis as { caches?: { default?: WebCache; open(name: string): Promise<WebCache> } })
    .caches;
  if (!storage) return Promise.reject(new TypeError('webCacheStore: no Web Cache API (`caches`)'));
  return Promise.resolve(storage.default ?? storage.open(name));
}

function jsonResponse(value: unknown, maxAge: number): Response {
  return new Response(JSON.stringify(value), {
    headers: { 'content-type': 'application/json', 'cache-control': `max-age=${maxAge}` },
  });
}

function toEntry(meta: EntryMeta, body: Uint8Array): CacheEntry {
  const { status, headers, ...entry } = meta;
  if (status === undefined) return entry;
  return { ...entry, response: { status, headers: headers ?? {}, body: body.slice() } };
}
