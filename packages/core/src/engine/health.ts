import { PolicyError } from '../errors';
import type { BusInspection, KeyspaceSample, L1Inspection, StoreProbe } from '../metrics/inspection';
import type { CacheStats, RouteStats, Store } from '../types';

/**
 * The CDN purge backlog. With `cdn` purgers configured, `health()` reports the purge queue's
 * (tags and URLs pending, batches given up); a `cdn` hook passed to `health()` replaces it.
 * Without either, the report has no `cdn` field.
 */
export interface CdnHealth {
  /** Purges accepted but not yet acknowledged by every CDN. */
  readonly backlog: number;
  /** Purges given up after their retries. */
  readonly failed?: number;
  /** Age of the oldest purge in the backlog, seconds. */
  readonly oldestSeconds?: number;
}

/** `health()` options. */
export interface HealthOptions {
  /**
   * Bound on the L2 PING (and, when asked, on the key sample), in milliseconds.
   * @default 500
   */
  timeoutMs?: number;
  /**
   * Keys to sample in the shared layer for `keyspace` (key counts and memory per prefix): one
   * bounded SCAN walk and a `MEMORY USAGE` per key, never `KEYS`. 0 = no sample. Call it from
   * a dashboard, not from a per-second readiness probe.
   * @default 0
   */
  keyspaceSample?: number;
  /**
   * Window of the per-route hit ratios, seconds: the counters' change since the report taken
   * closest to this long ago (reports are remembered for this; the first one covers the time
   * since the cache was created).
   * @default 300
   */
  windowSeconds?: number;
  /** The CDN purge backlog (from the CDN integration); its failure is reported, not thrown. */
  cdn?: () => CdnHealth | Promise<CdnHealth>;
}

/** One route's answers over the window. */
export interface RouteHealth {
  readonly hits: number;
  readonly stale: number;
  readonly misses: number;
  readonly coalesced: number;
  readonly bypass: number;
  /** `(hits + stale) / (hits + stale + misses + coalesced)`; `null` with no such answer in the window. */
  readonly hitRatio: number | null;
}

/** `health()`'s report. */
export interface HealthReport {
  /**
   * `'ok'`, or `'degraded'` when a part is failing (L2 unreachable, breaker open, bus unhealthy,
   * CDN hook failing or with failed purges). The cache keeps answering either way (it never fails
   * a request): use `'degraded'` for alerts rather than to take an instance out of rotation.
   */
  readonly status: 'ok' | 'degraded';
  /** Why the status is `'degraded'`. */
  readonly problems: readonly string[];
  /** When the report was taken, ms since epoch (cache clock). */
  readonly checkedAt: number;
  /** The store's name (`'memory'`, `'tiered'`, `'redis'`…). */
  readonly store: string;
  /** L1 against its bounds, with `bytesRatio = bytes / maxBytes`. */
  readonly l1?: L1Inspection & { readonly bytesRatio: number };
  /** L2 reachability (a PING) and breaker. */
  readonly l2?: {
    readonly reachable: boolean;
    readonly latencyMs?: number;
    readonly error?: string;
    readonly circuit?: 'closed' | 'open' | 'half-open';
    /**
     * Redis's `maxmemory-policy` (`redisStore`; `'unknown'` when `CONFIG` is refused). Evicting
     * policies are safe for staleness; with `noeviction`, writes fail once `maxmemory` is
     * reached (misses counted as store errors). See README "Multiple instances".
     */
    readonly evictionPolicy?: string;
  };
  readonly bus?: BusInspection;
  /** Seconds the route figures cover. */
  readonly windowSeconds: number;
  readonly routes: Readonly<Record<string, RouteHealth>>;
  /** Key counts and memory per prefix (only with `keyspaceSample`). */
  readonly keyspace?: KeyspaceSample;
  /** The CDN purge backlog (only with the `cdn` hook). */
  readonly cdn?: CdnHealth | { readonly error: string };
}

interface Snapshot {
  readonly at: number;
  readonly routes: Readonly<Record<string, RouteStats>>;
}

const MAX_SNAPSHOTS = 64;

/** Creates `RouteCache.health()` over the store and the stats counters (no request-path cost). */
export function createHealth(
  store: Store,
  stats: () => CacheStats,
  clock: () => number,
): (options?: HealthOptions) => Promise<HealthReport> {
  const createdAt = clock();
  let snapshots: Snapshot[] = [];

  /** The counters' change over (about) the window, and the seconds it covers. */
  function windowed(
    now: number,
    windowMs: number,
    current: Snapshot,
  ): { seconds: number; routes: Record<string, RouteHealth> } {
    // The cache younger than the window: since creation. Else the newest report at least
    // `windowMs` old, or the oldest one kept (reports were rarer than the window), or creation.
    const since = now - windowMs;
    let base: Snapshot = { at: createdAt, routes: {} };
    if (createdAt < since) {
      const past = snapshots.findLast((snapshot) => snapshot.at <= since);
      base = past ?? snapshots[0] ?? base;
    }
    const routes: Record<string, RouteHealth> = {};
    for (const [route, counts] of Object.entries(current.routes)) {
      const before = base.routes[route];
      const delta = (name: keyof RouteStats) => counts[name] - (before?.[name] ?? 0);
      const hits = delta('hits');
      const stale = delta('stale');
      const misses = delta('misses');
      const coalesced = delta('coalesced');
      const served = hits + stale + misses + coalesced;
      routes[route] = {
        hits,
        stale,
        misses,
        coalesced,
        bypass: delta('bypass'),
        hitRatio: served === 0 ? null : (hits + stale) / served,
      };
    }
    // Keep what a later report may use as its base: the newest one past the window and younger ones.
    const keepFrom = snapshots.findLastIndex((snapshot) => snapshot.at <= since);
    if (keepFrom > 0) snapshots = snapshots.slice(keepFrom);
    const last = snapshots[snapshots.length - 1];
    if (!last || current.at - last.at >= windowMs / MAX_SNAPSHOTS) snapshots.push(current);
    if (snapshots.length > MAX_SNAPSHOTS) snapshots.shift();
    return { seconds: Math.max(0, (now - base.at) / 1000), routes };
  }

  return async function health(options: HealthOptions = {}): Promise<HealthReport> {
    const timeoutMs = positive(options.timeoutMs, 500, 'timeoutMs');
    const windowSeconds = positive(options.windowSeconds, 300, 'windowSeconds');
    const keyspaceSample = options.keyspaceSample ?? 0;
    if (!Number.isInteger(keyspaceSample) || keyspaceSample < 0) {
      throw new PolicyError('keyspaceSample', 'health(): must be a whole number of keys, 0 or more');
    }
    if (options.cdn !== undefined && typeof options.cdn !== 'function') {
      throw new PolicyError('cdn', 'health(): must be a function returning the CDN purge backlog');
    }
    const now = clock();
    const problems: string[] = [];
    const inspection = safely(() => store.inspect?.(), undefined);
    const [probe, cdn] = await Promise.all([
      probeStore(store, timeoutMs, keyspaceSample),
      options.cdn ? cdnHealth(options.cdn) : Promise.resolve(undefined),
    ]);
    const current: Snapshot = { at: now, routes: stats().routes };
    const window = windowed(now, windowSeconds * 1000, current);

    const report: {
      -readonly [K in keyof HealthReport]: HealthReport[K];
    } = {
      status: 'ok',
      problems,
      checkedAt: now,
      store: store.name,
      windowSeconds: window.seconds,
      routes: window.routes,
    };
    if (inspection?.l1) {
      const l1 = inspection.l1;
      report.l1 = { ...l1, bytesRatio: l1.maxBytes > 0 ? l1.bytes / l1.maxBytes : 0 };
    }
    if (probe.l2 || inspection?.l2) {
      const reachable = probe.l2?.reachable ?? true;
      report.l2 = {
        reachable,
        ...(probe.l2?.latencyMs === undefined ? {} : { latencyMs: probe.l2.latencyMs }),
        ...(probe.l2?.error === undefined ? {} : { error: probe.l2.error }),
        ...(probe.l2?.evictionPolicy === undefined ? {} : { evictionPolicy: probe.l2.evictionPolicy }),
        ...(inspection?.l2 ? { circuit: inspection.l2.circuit } : {}),
      };
      if (!reachable) problems.push(`l2 unreachable: ${probe.l2?.error ?? 'no answer'}`);
      if (inspection?.l2?.circuit === 'open') problems.push('l2 circuit breaker open');
    }
    if (inspection?.bus) {
      report.bus = inspection.bus;
      if (!inspection.bus.healthy) problems.push('bus unhealthy: L1 bypassed');
    }
    if (probe.keyspace) report.keyspace = probe.keyspace;
    if (cdn) {
      report.cdn = cdn;
      if ('error' in cdn) problems.push(`cdn backlog unknown: ${cdn.error}`);
      else if ((cdn.failed ?? 0) > 0) problems.push(`cdn: ${cdn.failed} purges failed`);
    }
    if (problems.length > 0) report.status = 'degraded';
    return report;
  };
}

async function probeStore(store: Store, timeoutMs: number, keyspaceSample: number): Promise<StoreProbe> {
  if (!store.probe) return {};
  try {
    return await store.probe({ timeoutMs, keyspaceSample });
  } catch (error) {
    return { l2: { reachable: false, error: errorText(error) } };
  }
}

async function cdnHealth(hook: () => CdnHealth | Promise<CdnHealth>): Promise<CdnHealth | { error: string }> {
  try {
    return await hook();
  } catch (error) {
    return { error: errorText(error) };
  }
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PolicyError(field, `health(): must be a positive number, got ${String(value)}`);
  }
  return value;
}
