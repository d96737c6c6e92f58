import { Counter, register as defaultRegistry, Gauge, Histogram, type Registry } from 'prom-client';
import { PolicyError } from '../errors';
import type { MetricsSink } from '../metrics/events';
import { ANSWER_LABELS, createAnswerCounts } from '../metrics/label-tally';
import { type CacheSource, createRouteLabeller, resolveCache, statusClass } from '../metrics/labels';

/** `registerPrometheusMetrics()` options. */
export interface PrometheusMetricsOptions {
  /**
   * The registry the metrics go on.
   * @default prom-client's global `register`
   */
  registry?: Registry;
  /**
   * Prefix of every metric name (Prometheus convention: `<namespace>_`).
   * @default 'routecache_'
   */
  prefix?: string;
  /**
   * Buckets of the origin (handler) run time histogram, seconds.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  originBuckets?: readonly number[];
  /**
   * Buckets of the store call and lock wait histograms, seconds (L2 calls are sub-millisecond to a few ms).
   * @default [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
   */
  storeBuckets?: readonly number[];
  /**
   * Most distinct `route` label values; later ones are labelled `'other'`. Labels are route
   * patterns (never URLs), so this only guards against an adapter given URLs as routes.
   * @default 500
   */
  maxRoutes?: number;
}

/** What `registerPrometheusMetrics()` returns. */
export interface PrometheusMetrics {
  /** Detaches from the cache and removes the metrics from the registry. */
  unregister(): void;
  /** The metric names registered (with the prefix). */
  readonly names: readonly string[];
}

const ORIGIN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;

/**
 * Registers the cache's metrics on a prom-client registry, in one call: answers per route,
 * outcome and layer; origin run time; store call latency, errors and timeouts; breaker state;
 * L1 bytes and entries against their bounds; evictions; bus health and lag; invalidations and
 * their reach; lock waits. Labels are route patterns, never URLs. Gauges are read from
 * `cache.inspect()` at scrape time.
 *
 * Node only (prom-client is a peer dependency). Call it once per cache and registry.
 *
 * @throws PolicyError naming the option when an option is invalid.
 * @see https://github.com/routecache/routecache/blob/main/README.md#operating
 * @example
 * import { Registry } from 'prom-client';
 * import { registerPrometheusMetrics } from '@routecache/core/prometheus';
 * const registry = new Registry();
 * registerPrometheusMetrics(rc, { registry }); // rc: routeCache() of any adapter, or a RouteCache
 * app.get('/metrics', async (_req, res) => res.type(registry.contentType).send(await registry.metrics()));
 */
export function registerPrometheusMetrics(
  source: CacheSource,
  options: PrometheusMetricsOptions = {},
): PrometheusMetrics {
  const cache = resolveCache(source, 'registerPrometheusMetrics(cache)');
  const registry = options.registry ?? defaultRegistry;
  if (typeof registry?.registerMetric !== 'function') {
    throw new PolicyError('registry', 'must be a prom-client Registry');
  }
  const prefix = options.prefix ?? 'routecache_';
  if (typeof prefix !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$|^$/.test(prefix)) {
    throw new PolicyError('prefix', 'must match the Prometheus metric name syntax [a-zA-Z_:][a-zA-Z0-9_:]*');
  }
  const originBuckets = buckets(options.originBuckets, ORIGIN_BUCKETS, 'originBuckets');
  const storeBuckets = buckets(options.storeBuckets, STORE_BUCKETS, 'storeBuckets');
  const maxRoutes = options.maxRoutes ?? 500;
  if (!Number.isInteger(maxRoutes) || maxRoutes < 1) {
    throw new PolicyError('maxRoutes', 'must be a whole number, 1 or more');
  }
  const routeLabel = createRouteLabeller(maxRoutes);
  const registers = [registry];
  const name = (suffix: string) => `${prefix}${suffix}`;

  // Answers are counted on the hit path: tallied per label combination, handed to prom-client at scrape time.
  const counts = createAnswerCounts(routeLabel);
  const answers = new Counter({
    name: name('answers_total'),
    help: 'Requests answered by the cache, by route pattern, outcome (hit, stale, miss, coalesced, bypass), layer the body came from (l1, l2, origin), reason (bypass or stale detail) and whether the answer was a 304.',
    labelNames: ANSWER_LABELS,
    registers,
    collect() {
      this.reset();
      for (const { labels, total } of counts.answers.totals()) this.inc(labels, total);
    },
  });
  const stored = new Counter({
    name: name('stored_total'),
    help: 'Handler results stored by the cache after a miss, by route pattern.',
    labelNames: ['route'],
    registers,
    collect() {
      this.reset();
      for (const { labels, total } of counts.stored.totals()) this.inc(labels, total);
    },
  });
  const origin = new Histogram({
    name: name('origin_duration_seconds'),
    help: 'Handler (origin) run time on misses, bypasses and background refreshes, by route pattern, background and status class.',
    labelNames: ['route', 'background', 'status_class'],
    buckets: originBuckets,
    registers,
  });
  const storeCalls = new Histogram({
    name: name('store_call_duration_seconds'),
    help: 'Store layer call latency (L2: Redis), by layer, operation and result (ok, error, timeout, skipped by the breaker).',
    labelNames: ['layer', 'operation', 'result'],
    buckets: storeBuckets,
    registers,
  });
  const storeErrors = new Counter({
    name: name('store_errors_total'),
    help: 'Store layer calls that failed, by layer, operation and kind (error, timeout, skipped: breaker open).',
    labelNames: ['layer', 'operation', 'kind'],
    registers,
  });
  const storeFailures = new Counter({
    name: name('store_failures_total'),
    help: 'Store failures the engine turned into a miss or a skipped write (the request was answered without the cache), by operation.',
    labelNames: ['operation'],
    registers,
  });
  const invalidations = new Counter({
    name: name('invalidations_total'),
    help: 'Invalidations, by kind (tags, keys, url after an unsafe request), mode (delete, expire) and result (ok, failed).',
    labelNames: ['kind', 'mode', 'result'],
    registers,
  });
  const invalidated = new Counter({
    name: name('invalidated_entries_total'),
    help: 'Entries removed or expired by invalidations (where the store counts them), by kind.',
    labelNames: ['kind'],
    registers,
  });
  const invalidationTime = new Histogram({
    name: name('invalidation_duration_seconds'),
    help: 'Invalidation run time (store and bus), by kind.',
    labelNames: ['kind'],
    buckets: storeBuckets,
    registers,
  });
  const lockWaits = new Histogram({
    name: name('lock_wait_duration_seconds'),
    help: "Time spent waiting for another instance's handler run (cross-instance lock), by route pattern and result (entry, timeout).",
    labelNames: ['route', 'result'],
    buckets: originBuckets,
    registers,
  });

  // Read from cache.inspect() at each scrape.
  const inspect = () => cache.inspect();
  const l1Gauge = (
    suffix: string,
    help: string,
    read: (l1: NonNullable<ReturnType<typeof inspect>['l1']>) => number,
  ) =>
    new Gauge({
      name: name(suffix),
      help,
      registers,
      collect() {
        const l1 = inspect().l1;
        if (l1) this.set(read(l1));
        else this.reset();
      },
    });
  const gauges = [
    l1Gauge('l1_entries', 'Entries held in the in-process L1.', (l1) => l1.entries),
    l1Gauge('l1_max_entries', 'Bound on L1 entries.', (l1) => l1.maxEntries),
    l1Gauge('l1_bytes', 'Estimated bytes held in L1.', (l1) => l1.bytes),
    l1Gauge('l1_max_bytes', 'Bound on L1 bytes.', (l1) => l1.maxBytes),
  ];
  const evictions = new Counter({
    name: name('l1_evictions_total'),
    help: 'Entries evicted from L1 to stay within its bounds (not expiries or invalidations).',
    registers,
    collect() {
      const l1 = inspect().l1;
      this.reset();
      if (l1) this.inc(l1.evictions);
    },
  });
  const circuit = new Gauge({
    name: name('l2_circuit_state'),
    help: 'L2 circuit breaker state: 1 for the current state (closed: calls go out; open: skipped; half-open: one probe).',
    labelNames: ['state'],
    registers,
    collect() {
      const l2 = inspect().l2;
      this.reset();
      if (l2) for (const state of CIRCUIT_STATES) this.set({ state }, l2.circuit === state ? 1 : 0);
    },
  });
  const busHealthy = new Gauge({
    name: name('bus_healthy'),
    help: 'Invalidation bus health: 1 when subscribed and no loss detected, 0 while L1 is bypassed.',
    registers,
    collect() {
      const bus = inspect().bus;
      this.reset();
      if (bus) this.set(bus.healthy ? 1 : 0);
    },
  });
  const busLag = new Gauge({
    name: name('bus_lag_seconds'),
    help: "Round trip of this instance's last bus heartbeat (publish to delivery).",
    registers,
    collect() {
      const bus = inspect().bus;
      this.reset();
      if (bus?.lagMs !== undefined) this.set(bus.lagMs / 1000);
    },
  });
  const busHeartbeatAge = new Gauge({
    name: name('bus_heartbeat_age_seconds'),
    help: "Time since this instance's last bus heartbeat came back (alert when it grows past a few heartbeats).",
    registers,
    collect() {
      const bus = inspect().bus;
      this.reset();
      if (bus?.lastHeartbeatAt !== undefined)
        this.set(Math.max(0, (Date.now() - bus.lastHeartbeatAt) / 1000));
    },
  });
  const busLosses = new Counter({
    name: name('bus_losses_total'),
    help: 'Times the bus detected lost messages or a lost subscription (each drops and bypasses L1 until healthy).',
    registers,
    collect() {
      const bus = inspect().bus;
      this.reset();
      if (bus) this.inc(bus.losses);
    },
  });

  const sink: MetricsSink = {
    answer: counts.record,
    originEnd(info, end) {
      origin.observe(
        {
          route: routeLabel(info.route),
          background: info.background ? 'true' : 'false',
          status_class: statusClass(end.status),
        },
        end.durationMs / 1000,
      );
    },
    storeCallEnd(info, result, durationMs) {
      storeCalls.observe({ layer: info.layer, operation: info.operation, result }, durationMs / 1000);
      if (result !== 'ok') storeErrors.inc({ layer: info.layer, operation: info.operation, kind: result });
    },
    storeFailure(operation) {
      storeFailures.inc({ operation });
    },
    invalidation(event) {
      invalidations.inc({ kind: event.kind, mode: event.mode, result: event.failed ? 'failed' : 'ok' });
      invalidated.inc({ kind: event.kind }, event.reached);
      invalidationTime.observe({ kind: event.kind }, event.durationMs / 1000);
    },
    lockWait(event) {
      lockWaits.observe({ route: routeLabel(event.route), result: event.result }, event.durationMs / 1000);
    },
  };
  const detach = cache.observe(sink);
  const metrics = [
    answers,
    stored,
    origin,
    storeCalls,
    storeErrors,
    storeFailures,
    invalidations,
    invalidated,
    invalidationTime,
    lockWaits,
    ...gauges,
    evictions,
    circuit,
    busHealthy,
    busLag,
    busHeartbeatAge,
    busLosses,
  ];
  const names = metrics.map((metric) => (metric as unknown as { name: string }).name);
  return {
    names,
    unregister() {
      detach();
      for (const metricName of names) registry.removeSingleMetric(metricName);
    },
  };
}

function buckets(value: readonly number[] | undefined, fallback: readonly number[], field: string): number[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || value.length === 0 || value.some((b) => typeof b !== 'number' || !(b > 0))) {
    throw new PolicyError(field, 'must be a non-empty array of positive numbers of seconds');
  }
  return [...value].sort((a, b) => a - b);
}
