import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { PolicyError, prefixPolicyError, StoreError } from '../errors';
import type { StoreObserver } from '../metrics/events';
import type { KeyspaceSample, StoreInspection, StoreProbe, StoreProbeOptions } from '../metrics/inspection';
import { atLeastOneSecond } from '../policy/duration';
import type {
  CacheEntry,
  Duration,
  InvalidationMode,
  LayerStats,
  Store,
  StoreLock,
  StoreSetOptions,
} from '../types';
import { withinDeadline } from '../util/deadline';
import { fnv1a } from '../util/fnv1a';
import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  createCircuitBreaker,
} from './circuit-breaker';
import { decodeEntry, encodeEntry, FRESH_WIDTH, fixedNumber } from './entry-codec';
import { readEvictionPolicy, UNKNOWN_EVICTION_POLICY } from './eviction-policy';
import { type CallOutcome, createCallGuard } from './guarded-call';
import { createRedisLock } from './redis-lock';
import {
  DELETE_SCRIPT,
  defineScript,
  EXPIRE_KEYS_SCRIPT,
  GET_SCRIPT,
  INVALIDATE_TAGS_SCRIPT,
  SET_SCRIPT,
} from './redis-scripts';

/** `redisStore()` options. */
export interface RedisStoreOptions {
  /** An ioredis `Redis` or `Cluster` client you created (see `recommendedRedisOptions`). The store never closes it. */
  client: Redis | Cluster;
  /**
   * Prefix of every key the store writes; `clear()` removes exactly the keys under it. Must not
   * contain `{` or `}` (the store uses hash tags right after it).
   * @default 'rc:'
   */
  prefix?: string;
  /**
   * Bound on each read, write and lock call, in milliseconds: past it the call rejects with a
   * `StoreError` (the engine serves a miss). The command itself is not cancelled.
   * @default 250
   */
  timeoutMs?: number;
  /**
   * Bound on invalidations (`invalidateTags`, `expireKeys`, `delete`) and `clear`, in
   * milliseconds. A tag with 100,000 entries takes a few hundred ms on one server, so these
   * get a longer bound than the request path.
   * @default 5000
   */
  invalidationTimeoutMs?: number;
  /**
   * Number of hash-tag buckets entries are spread over. Each bucket lives on one hash slot and
   * holds its own tag index, so every write is one atomic script and a tag invalidation is one
   * script per bucket. On a Cluster, more buckets spread the data more evenly over the masters.
   * Every instance sharing the data must use the same value (changing it is like changing the
   * prefix: old entries are no longer found).
   * @default 1 on a standalone server, 64 on a Cluster
   */
  buckets?: number;
  /**
   * How long invalidation times are remembered for the race guard (behaviour 8), in seconds:
   * a handler run that started before an invalidation and ends later than this can still write
   * its result. Seconds or a duration string (`'10m'`), at least 1 second.
   * @default 600
   */
  guardTtl?: Duration;
  /**
   * Circuit breaker: after `threshold` consecutive failures (errors or timeouts), reads, writes
   * and locks are skipped (rejected at once, counted as `skipped`) for `breakDurationMs`, then
   * one probe call is let through. `false` disables it.
   * @default { threshold: 5, breakDurationMs: 5000 }
   */
  breaker?: CircuitBreakerOptions | false;
  /**
   * Milliseconds since epoch; the TTL of a write is `entry.expiresAt - clock()`. Give the
   * cache's clock in tests.
   * @default Date.now
   */
  clock?: () => number;
}

/** The store `redisStore()` returns. */
export interface RedisStore extends Store {
  readonly lock: StoreLock;
  expireKeys(keys: readonly string[], now: number): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
  stats(): { l2: LayerStats };
  /** The breaker's current state (`'closed'` when disabled). */
  readonly circuit: CircuitState;
  /**
   * Redis's `maxmemory-policy` as last read (at connect, and again by every `probe()`, i.e.
   * `health()`); on a Cluster the masters' distinct policies joined with `', '`. `'unknown'`
   * until read, or when Redis refuses `CONFIG` (disabled or renamed).
   */
  readonly evictionPolicy: string;
  instrument(observer: StoreObserver): void;
  inspect(): StoreInspection;
  probe(options: StoreProbeOptions): Promise<StoreProbe>;
}

const STORE_NAME = 'redis';

/**
 * A `Store` in Redis (standalone or Cluster) over an ioredis client you provide.
 *
 * - One script call per read (`GET`, then `SISMEMBER` per tag: an entry is served only while its
 *   tag sets still index it, so one whose set Redis evicted is a miss); entries are binary (body
 *   bytes never re-encoded) with a Redis TTL from `entry.expiresAt`.
 * - Keys are spread over `buckets` hash tags; each bucket keeps its own tag index, so every
 *   write (entry + tag sets + race guard check) is one atomic Lua script on one slot and no
 *   command is ever CROSSSLOT. A tag invalidation runs one script per bucket, reaching entries on
 *   every master; each bucket is invalidated atomically, the whole invalidation is not (on a
 *   Cluster, a read on another bucket may still see an entry for the few ms it takes).
 * - The race guard is exact: the check and the write run in the same script as the guard times
 *   of that bucket, which every tag invalidation updates. A guard time Redis may have evicted
 *   counts as an invalidation (see the guard floor in `redis-scripts.ts`).
 * - Values under the prefix that are not ours (corrupt, foreign, another type) read as misses.
 * - Every call is bounded by `timeoutMs`; failures reject with `StoreError` and feed the
 *   circuit breaker.
 *
 * @see recommendedRedisOptions
 * @example
 * const redis = new Redis(process.env.REDIS_URL, recommendedRedisOptions);
 * const cache = createCache({ store: redisStore({ client: redis }) });
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const { client } = options;
  if (!client || typeof (client as Redis).getBuffer !== 'function') {
    throw new PolicyError('redisStore.client', 'must be an ioredis Redis or Cluster instance');
  }
  const prefix = options.prefix ?? 'rc:';
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
    throw new PolicyError('redisStore.prefix', 'must be a string without "{" or "}"');
  }
  const timeoutMs = positive(options.timeoutMs, 250, 'timeoutMs');
  const invalidationTimeoutMs = positive(options.invalidationTimeoutMs, 5000, 'invalidationTimeoutMs');
  const isCluster = (client as { isCluster?: boolean }).isCluster === true;
  const buckets = positive(options.buckets, isCluster ? 64 : 1, 'buckets');
  if (!Number.isInteger(buckets)) throw new PolicyError('redisStore.buckets', 'must be an integer');
  const guardTtlMs = String(atLeastOneSecond(options.guardTtl ?? 600, 'redisStore.guardTtl') * 1000);
  const clock = options.clock ?? Date.now;
  const breaker: CircuitBreaker | undefined =
    options.breaker === false ? undefined : breakerFor(options.breaker);
  const counters = { hits: 0, misses: 0, errors: 0, skipped: 0 };

  // Learned once the client is connected (one CONFIG GET per master), refreshed by probe().
  let evictionPolicy = UNKNOWN_EVICTION_POLICY;
  const learnEvictionPolicy = (limitMs: number): Promise<string> =>
    readEvictionPolicy(client, limitMs).then((policy) => {
      if (policy !== undefined) evictionPolicy = policy;
      return evictionPolicy;
    });
  if (client.status === 'ready') void learnEvictionPolicy(invalidationTimeoutMs);
  else client.once?.('ready', () => void learnEvictionPolicy(invalidationTimeoutMs));

  const getScript = defineScript(GET_SCRIPT);
  const setScript = defineScript(SET_SCRIPT);
  const invalidateScript = defineScript(INVALIDATE_TAGS_SCRIPT);
  const expireScript = defineScript(EXPIRE_KEYS_SCRIPT);
  const deleteScript = defineScript(DELETE_SCRIPT);

  const bucketOf = (key: string): number => (buckets === 1 ? 0 : fnv1a(key) % buckets);
  const baseOf = (bucket: number): string => `${prefix}{${bucket}}`;

  const { guarded, observe } = createCallGuard(STORE_NAME, breaker, counters);

  /** A read's reply as an entry, counted: a hit, or a miss (absent, undecodable, or failed). */
  const readOutcome: CallOutcome<unknown, CacheEntry | undefined> = {
    value(raw) {
      const entry = Buffer.isBuffer(raw) ? decodeEntry(raw) : undefined;
      if (entry) counters.hits++;
      else counters.misses++;
      return entry;
    },
    error() {
      counters.misses++;
    },
  };

  /** Groups keys by bucket: one script call per bucket touched. */
  function byBucket<T extends string>(items: readonly T[], bucket: (item: T) => number): Map<number, T[]> {
    const groups = new Map<number, T[]>();
    for (const item of new Set(items)) {
      const b = bucket(item);
      const group = groups.get(b);
      if (group) group.push(item);
      else groups.set(b, [item]);
    }
    return groups;
  }

  const sum = (values: unknown[]): number => values.reduce<number>((total, v) => total + Number(v), 0);

  const lock = createRedisLock({
    client,
    lockKeyOf: (key) => `${baseOf(bucketOf(key))}l:${key}`,
    guarded,
    timeoutMs,
  });

  return {
    name: STORE_NAME,
    lock,

    get circuit() {
      return breaker?.state ?? 'closed';
    },

    get evictionPolicy() {
      return evictionPolicy;
    },

    // One script call per read (GET + one SISMEMBER per tag: an entry whose tag set was evicted is
    // a miss), chained without async frames and decoded where the guard settles (with the codec's
    // header memo, about 1 µs less per L2 hit on the Express benchmark).
    get(key: string): Promise<CacheEntry | undefined> {
      const base = baseOf(bucketOf(key));
      return guarded(
        'get',
        () => getScript.runBuffer(client, [`${base}e:${key}`], [base, key]),
        timeoutMs,
        false,
        readOutcome,
      );
    },

    async set(key: string, entry: CacheEntry, setOptions?: StoreSetOptions): Promise<boolean> {
      const ttl = Math.ceil(entry.expiresAt - clock());
      if (!(ttl > 0)) return false;
      const version = randomBytes(4).toString('hex');
      let value: Buffer;
      try {
        value = encodeEntry(entry, version);
      } catch (error) {
        counters.errors++;
        throw new StoreError(`redis set: entry cannot be stored (${(error as Error).message})`, {
          store: STORE_NAME,
          cause: error,
        });
      }
      const base = baseOf(bucketOf(key));
      const tags = [...new Set(entry.tags)];
      const keys = [
        `${base}e:${key}`,
        `${base}k:${key}`,
        ...tags.map((tag) => `${base}i:${tag}`),
        ...tags.map((tag) => `${base}t:${tag}`),
        `${base}f`,
      ];
      const notBefore = setOptions?.notBefore;
      const args = [
        value,
        String(ttl),
        notBefore === undefined ? '' : String(notBefore),
        String(tags.length),
        base,
        key,
        version + key,
        String(clock()),
        guardTtlMs,
      ];
      const stored = await guarded('set', () => setScript.run(client, keys, args), timeoutMs);
      return Number(stored) === 1;
    },

    async delete(keys: readonly string[]): Promise<number> {
      if (keys.length === 0) return 0;
      const groups = byBucket(keys, bucketOf);
      const counts = await guarded(
        'delete',
        () =>
          Promise.all(
            [...groups].map(([bucket, group]) => {
              const base = baseOf(bucket);
              return deleteScript.run(
                client,
                group.map((key) => `${base}e:${key}`),
                [base, ...group],
              );
            }),
          ),
        invalidationTimeoutMs,
        true,
      );
      return sum(counts);
    },

    async invalidateTags(tags: readonly string[], mode: InvalidationMode, now: number): Promise<number> {
      const unique = [...new Set(tags)];
      if (unique.length === 0) return 0;
      const args = [mode, fixedNumber(now, FRESH_WIDTH), String(now), guardTtlMs];
      const counts = await guarded(
        'invalidateTags',
        () =>
          Promise.all(
            Array.from({ length: buckets }, (_, bucket) => {
              const base = baseOf(bucket);
              const keys = [
                ...unique.map((tag) => `${base}t:${tag}`),
                ...unique.map((tag) => `${base}i:${tag}`),
                `${base}f`,
              ];
              return invalidateScript.run(client, keys, [...args, base]);
            }),
          ),
        invalidationTimeoutMs,
        true,
      );
      return sum(counts);
    },

    async expireKeys(keys: readonly string[], now: number): Promise<number> {
      if (keys.length === 0) return 0;
      const groups = byBucket(keys, bucketOf);
      const counts = await guarded(
        'expireKeys',
        () =>
          Promise.all(
            [...groups].map(([bucket, group]) => {
              const base = baseOf(bucket);
              const redisKeys = [
                ...group.map((key) => `${base}e:${key}`),
                ...group.map((key) => `${base}k:${key}`),
                `${base}f`,
              ];
              return expireScript.run(client, redisKeys, [
                fixedNumber(now, FRESH_WIDTH),
                String(now),
                guardTtlMs,
              ]);
            }),
          ),
        invalidationTimeoutMs,
        true,
      );
      return sum(counts);
    },

    async clear(): Promise<void> {
      const nodes = isCluster ? (client as Cluster).nodes('master') : [client as Redis];
      await guarded(
        'clear',
        () => Promise.all(nodes.map((node) => unlinkByPrefix(node, prefix))),
        invalidationTimeoutMs,
        true,
      );
    },

    stats(): { l2: LayerStats } {
      return { l2: { ...counters } };
    },

    async close(): Promise<void> {
      // The client belongs to the caller; nothing to release here.
    },

    instrument(next: StoreObserver): void {
      observe(next);
    },

    inspect(): StoreInspection {
      return { l2: { circuit: breaker?.state ?? 'closed' } };
    },

    async probe(probeOptions: StoreProbeOptions): Promise<StoreProbe> {
      // Neither through nor into the breaker: health must see whether Redis answers now, and a
      // probe must not change what requests do.
      const started = performance.now();
      // Alongside the PING, within the same bound: a policy changed since connect shows here.
      const policy = learnEvictionPolicy(probeOptions.timeoutMs);
      let l2: NonNullable<StoreProbe['l2']>;
      try {
        await withinDeadline(
          client.ping(),
          probeOptions.timeoutMs,
          () =>
            new StoreError(`redis ping timed out after ${probeOptions.timeoutMs} ms`, { reason: 'timeout' }),
        );
        l2 = { reachable: true, latencyMs: performance.now() - started, evictionPolicy: await policy };
      } catch (error) {
        return {
          l2: { reachable: false, error: (error as Error)?.message ?? String(error), evictionPolicy },
        };
      }
      if (!(probeOptions.keyspaceSample > 0)) return { l2 };
      try {
        const nodes = isCluster ? (client as Cluster).nodes('master') : [client as Redis];
        const keyspace = await withinDeadline(
          sampleKeyspace(nodes, prefix, probeOptions.keyspaceSample),
          probeOptions.timeoutMs,
          () => new StoreError(`redis keyspace sample timed out after ${probeOptions.timeoutMs} ms`),
        );
        return { l2, keyspace };
      } catch {
        return { l2 };
      }
    },
  };
}

/** SCAN calls per node at most while sampling (each looks at about `COUNT` slots of the keyspace). */
const MAX_SAMPLE_SCANS = 20;

/**
 * Key counts and memory per prefix from a bounded sample: on each node a SCAN walk that stops
 * after `sample` keys (split over the nodes) or `MAX_SAMPLE_SCANS` calls, `MEMORY USAGE` of each
 * key seen (one pipeline), and `DBSIZE` to extrapolate. Never `KEYS`, never an unbounded walk.
 */
async function sampleKeyspace(nodes: Redis[], prefix: string, sample: number): Promise<KeyspaceSample> {
  const perNode = Math.max(1, Math.ceil(sample / Math.max(1, nodes.length)));
  const groups = new Map<string, { keys: number; bytes: number }>();
  let totalKeys = 0;
  let sampledKeys = 0;
  let complete = true;
  for (const node of nodes) {
    totalKeys += Number(await node.dbsize());
    const seen: string[] = [];
    let cursor = '0';
    let scans = 0;
    do {
      const [next, keys] = await node.scan(cursor, 'COUNT', Math.min(1000, perNode));
      cursor = next;
      scans++;
      for (const key of keys) if (seen.length < perNode) seen.push(key);
    } while (cursor !== '0' && seen.length < perNode && scans < MAX_SAMPLE_SCANS);
    if (cursor !== '0') complete = false;
    if (seen.length === 0) continue;
    const pipeline = node.pipeline();
    for (const key of seen) pipeline.memory('USAGE', key);
    const results = (await pipeline.exec()) ?? [];
    seen.forEach((key, i) => {
      const group = prefixGroup(key, prefix);
      const entry = groups.get(group) ?? { keys: 0, bytes: 0 };
      entry.keys++;
      entry.bytes += Number(results[i]?.[1] ?? 0) || 0;
      groups.set(group, entry);
    });
    sampledKeys += seen.length;
  }
  const scale = sampledKeys === 0 ? 0 : complete ? 1 : totalKeys / sampledKeys;
  const prefixes: Record<string, KeyspaceSample['prefixes'][string]> = {};
  for (const [group, { keys, bytes }] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    prefixes[group] = {
      sampledKeys: keys,
      sampledBytes: bytes,
      estimatedKeys: Math.round(keys * scale),
      estimatedBytes: Math.round(bytes * scale),
    };
  }
  return { totalKeys, sampledKeys, prefixes, complete };
}

/**
 * The group a key belongs to: `<prefix>e:<namespace>` for entries, `<prefix>t` (tag sets),
 * `<prefix>i` / `<prefix>k` (race guard of tags / keys), `<prefix>f` (guard floors), `<prefix>l`
 * (locks), with the hash-tag bucket left out; `(other)`
 * for keys not under the store's prefix.
 */
function prefixGroup(key: string, prefix: string): string {
  if (!key.startsWith(prefix)) return '(other)';
  const rest = key.slice(prefix.length).replace(/^\{[^}]*\}/, '');
  const kind = rest.slice(0, 2);
  if (kind === 'e:') {
    // HTTP keys are `<namespace>|GET|…` (`<namespace>:h:…` hashed), data keys `<namespace>:data:…`.
    const namespace = rest.slice(2).split(/[|:]/, 1)[0];
    return `${prefix}e:${namespace}`;
  }
  if (rest[1] === ':') return `${prefix}${rest[0]}`;
  return `${prefix}${rest.split(':', 1)[0]}`;
}

/** SCAN + UNLINK of every key under `prefix` on one node (one UNLINK per key: keys of different slots can't share one). */
async function unlinkByPrefix(node: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) {
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.unlink(key);
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    }
  } while (cursor !== '0');
}

/** The store's circuit breaker; an invalid option is named under `redisStore.breaker`. */
function breakerFor(options: CircuitBreakerOptions | undefined): CircuitBreaker {
  try {
    return createCircuitBreaker(options ?? {});
  } catch (error) {
    throw prefixPolicyError('redisStore', error);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PolicyError(`redisStore.${name}`, `must be a positive number, got ${String(value)}`);
  }
  return value;
}
