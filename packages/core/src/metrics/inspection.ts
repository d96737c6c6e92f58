/**
 * What stores and buses report about their state, for gauges (`RouteCache.inspect()`, read at
 * every scrape: synchronous and cheap) and for `RouteCache.health()` (`Store.probe()`: a PING
 * and an optional bounded key sample, never on the request path).
 */

/** The in-process layer against its bounds. */
export interface L1Inspection {
  /** Entries held (expired ones not yet purged included). */
  readonly entries: number;
  /** Bound on `entries`. */
  readonly maxEntries: number;
  /** Estimated bytes held. */
  readonly bytes: number;
  /** Bound on `bytes`. */
  readonly maxBytes: number;
  /** Entries evicted to stay within the bounds since the store was created (not expiries or deletes). */
  readonly evictions: number;
}

/** The shared layer's client-side state. */
export interface L2Inspection {
  /** The circuit breaker (`'closed'`: calls go out; `'open'`: skipped; `'half-open'`: one probe). */
  readonly circuit: 'closed' | 'open' | 'half-open';
}

/** The invalidation bus. */
export interface BusInspection {
  /** False while the subscription is down or a loss was detected (L1 is then bypassed). */
  readonly healthy: boolean;
  /** When this instance's own last heartbeat came back, ms since epoch. */
  readonly lastHeartbeatAt: number | undefined;
  /** Round trip of that heartbeat (publish to delivery), ms: the bus's message lag. */
  readonly lagMs: number | undefined;
  /** Times a loss (or a lost subscription) was detected since the bus was created. */
  readonly losses: number;
}

/** `Store.inspect()`: what the store can say about itself synchronously. */
export interface StoreInspection {
  readonly l1?: L1Inspection;
  readonly l2?: L2Inspection;
  readonly bus?: BusInspection;
}

/** `Store.probe()` options. */
export interface StoreProbeOptions {
  /** Bound on the PING and on the key sample, each, in milliseconds. */
  readonly timeoutMs: number;
  /** Keys to sample for `keyspace` (one bounded SCAN walk plus `MEMORY USAGE` each); 0 = no sample. */
  readonly keyspaceSample: number;
}

/** Key counts and memory per key prefix, estimated from a bounded sample. */
export interface KeyspaceSample {
  /** Keys in the database(s) (`DBSIZE`, summed over the masters of a Cluster). */
  readonly totalKeys: number;
  /** Keys looked at. */
  readonly sampledKeys: number;
  /**
   * Per prefix (`<store prefix><kind>` with kind `e:<namespace>` entries, `t` tag sets, `i`/`k` race
   * guard of tags/keys, `f` guard floors, `l` locks; `'(other)'` for keys not under the store's prefix): keys and bytes in the
   * sample, and the totals they extrapolate to (`sampled × totalKeys / sampledKeys`).
   */
  readonly prefixes: Readonly<
    Record<
      string,
      {
        readonly sampledKeys: number;
        readonly sampledBytes: number;
        readonly estimatedKeys: number;
        readonly estimatedBytes: number;
      }
    >
  >;
  /** True when the SCAN walked the whole keyspace (then the figures are exact counts). */
  readonly complete: boolean;
}

/** `Store.probe()`: reachability of the shared layer, and the key sample when asked. */
export interface StoreProbe {
  readonly l2?: {
    readonly reachable: boolean;
    /** PING round trip, ms (absent when it failed). */
    readonly latencyMs?: number;
    /** Why it failed. */
    readonly error?: string;
    /**
     * Redis's `maxmemory-policy` (`redisStore`: read at connect and by each probe; on a Cluster the
     * masters' distinct policies joined with `', '`), `'unknown'` when Redis refuses `CONFIG`.
     */
    readonly evictionPolicy?: string;
  };
  readonly keyspace?: KeyspaceSample;
}
