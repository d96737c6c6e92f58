import {
  type Attributes,
  type MeterProvider,
  metrics,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { PolicyError } from '../errors';
import type { MetricsSink } from '../metrics/events';
import { createAnswerCounts } from '../metrics/label-tally';
import { type CacheSource, createRouteLabeller, resolveCache } from '../metrics/labels';
import { fnv1aHex } from '../util/fnv1a';

/** `instrumentOpenTelemetry()` options. */
export interface OpenTelemetryOptions {
  /**
   * Where the instruments come from.
   * @default the global meter provider (`metrics.getMeterProvider()`)
   */
  meterProvider?: MeterProvider;
  /**
   * Where the spans go.
   * @default the global tracer provider (`trace.getTracerProvider()`)
   */
  tracerProvider?: TracerProvider;
  /**
   * Spans around handler runs on a miss (`routecache origin`) and around L2 calls
   * (`routecache l2 <operation>`). The outcome attributes on the active span are set either way.
   * @default true
   */
  spans?: boolean;
  /**
   * Most distinct `http.route` attribute values on metrics; later ones are `'other'`.
   * @default 500
   */
  maxRoutes?: number;
}

/** What `instrumentOpenTelemetry()` returns. */
export interface OpenTelemetryInstrumentation {
  /** Detaches from the cache; observable instruments stop reporting. */
  stop(): void;
}

/** Instrumentation scope name of the meter and tracer. */
export const INSTRUMENTATION_NAME = '@routecache/core';

/**
 * The cache's metrics on an OpenTelemetry meter (the same set as the Prometheus integration),
 * its outcome as attributes of the active span (the HTTP server span of your instrumentation):
 * `routecache.outcome`, `routecache.layer`, `routecache.key_hash`, `routecache.age`
 * (seconds) and `routecache.reason`; and spans for handler runs on a miss and for L2 calls.
 * Attribute names follow the semantic conventions where one exists (`http.route`,
 * `http.request.method`, `http.response.status_code`, `db.operation.name`, `error.type`).
 *
 * Uses `@opentelemetry/api` only (an optional peer dependency): bring your SDK.
 *
 * @throws PolicyError naming the option when an option is invalid.
 * @see https://github.com/routecache/routecache/blob/main/README.md#operating
 * @example
 * import { instrumentOpenTelemetry } from '@routecache/core/otel';
 * instrumentOpenTelemetry(rc); // after your SDK's start(); rc: any adapter's routeCache() or a RouteCache
 */
export function instrumentOpenTelemetry(
  source: CacheSource,
  options: OpenTelemetryOptions = {},
): OpenTelemetryInstrumentation {
  const cache = resolveCache(source, 'instrumentOpenTelemetry(cache)');
  const maxRoutes = options.maxRoutes ?? 500;
  if (!Number.isInteger(maxRoutes) || maxRoutes < 1) {
    throw new PolicyError('maxRoutes', 'must be a whole number, 1 or more');
  }
  const spans = options.spans ?? true;
  if (typeof spans !== 'boolean') throw new PolicyError('spans', 'must be true or false');
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME);
  const routeLabel = createRouteLabeller(maxRoutes);
  const routeAttributes = (route: string | undefined): Attributes => {
    const label = routeLabel(route);
    const space = label.indexOf(' ');
    // Adapters label routes 'GET /path/:id': semconv splits the method from the route template.
    return space > 0 && /^[A-Z]+$/.test(label.slice(0, space))
      ? { 'http.request.method': label.slice(0, space), 'http.route': label.slice(space + 1) }
      : { 'http.route': label };
  };

  // Counted on the hit path: tallied per combination, observed at collection time (no
  // attribute object built and hashed per answer).
  const counts = createAnswerCounts(routeLabel);
  const answers = meter.createObservableCounter('routecache.answers', {
    description: 'Requests answered by the cache, by route, outcome, layer, reason and 304.',
    unit: '{answer}',
  });
  const stored = meter.createObservableCounter('routecache.stored', {
    description: 'Handler results stored after a miss.',
    unit: '{entry}',
  });
  const origin = meter.createHistogram('routecache.origin.duration', {
    description: 'Handler (origin) run time on misses, bypasses and background refreshes.',
    unit: 's',
  });
  const storeCalls = meter.createHistogram('routecache.store.duration', {
    description: 'Store layer call latency, by layer, operation and result.',
    unit: 's',
  });
  const storeErrors = meter.createCounter('routecache.store.errors', {
    description: 'Store layer calls that failed (error, timeout, skipped by the breaker).',
    unit: '{call}',
  });
  const storeFailures = meter.createCounter('routecache.store.failures', {
    description: 'Store failures the engine answered without the cache.',
    unit: '{call}',
  });
  const invalidations = meter.createCounter('routecache.invalidations', {
    description: 'Invalidations by kind, mode and result.',
    unit: '{invalidation}',
  });
  const invalidated = meter.createCounter('routecache.invalidated_entries', {
    description: 'Entries removed or expired by invalidations.',
    unit: '{entry}',
  });
  const lockWaits = meter.createHistogram('routecache.lock.wait.duration', {
    description: "Time spent waiting for another instance's handler run.",
    unit: 's',
  });
  const l1Entries = meter.createObservableGauge('routecache.l1.entries', { unit: '{entry}' });
  const l1MaxEntries = meter.createObservableGauge('routecache.l1.max_entries', { unit: '{entry}' });
  const l1Bytes = meter.createObservableGauge('routecache.l1.size', { unit: 'By' });
  const l1MaxBytes = meter.createObservableGauge('routecache.l1.max_size', { unit: 'By' });
  const l1Evictions = meter.createObservableCounter('routecache.l1.evictions', { unit: '{entry}' });
  const circuit = meter.createObservableGauge('routecache.l2.circuit.state', {
    description: '1 for the current breaker state (attribute routecache.circuit.state).',
  });
  const busHealthy = meter.createObservableGauge('routecache.bus.healthy', {
    description: '1 when the invalidation bus is healthy.',
  });
  const busLag = meter.createObservableGauge('routecache.bus.lag', { unit: 's' });
  const busLosses = meter.createObservableCounter('routecache.bus.losses', { unit: '{loss}' });
  const observables = [
    answers,
    stored,
    l1Entries,
    l1MaxEntries,
    l1Bytes,
    l1MaxBytes,
    l1Evictions,
    circuit,
    busHealthy,
    busLag,
    busLosses,
  ];
  const batch = (result: Parameters<Parameters<typeof meter.addBatchObservableCallback>[0]>[0]) => {
    for (const { labels, total } of counts.answers.totals()) {
      const attributes: Attributes = {
        ...routeAttributes(labels.route),
        'routecache.outcome': labels.outcome,
        'routecache.layer': labels.layer,
        'routecache.not_modified': labels.not_modified === 'true',
      };
      if (labels.reason !== '') attributes['routecache.reason'] = labels.reason;
      result.observe(answers, total, attributes);
    }
    for (const { labels, total } of counts.stored.totals())
      result.observe(stored, total, routeAttributes(labels.route));
    const state = cache.inspect();
    if (state.l1) {
      result.observe(l1Entries, state.l1.entries);
      result.observe(l1MaxEntries, state.l1.maxEntries);
      result.observe(l1Bytes, state.l1.bytes);
      result.observe(l1MaxBytes, state.l1.maxBytes);
      result.observe(l1Evictions, state.l1.evictions);
    }
    if (state.l2) {
      for (const value of ['closed', 'open', 'half-open'] as const) {
        result.observe(circuit, state.l2.circuit === value ? 1 : 0, { 'routecache.circuit.state': value });
      }
    }
    if (state.bus) {
      result.observe(busHealthy, state.bus.healthy ? 1 : 0);
      if (state.bus.lagMs !== undefined) result.observe(busLag, state.bus.lagMs / 1000);
      result.observe(busLosses, state.bus.losses);
    }
  };
  meter.addBatchObservableCallback(batch, observables);

  const sink: MetricsSink = {
    answer(event) {
      counts.record(event);
      const span = trace.getActiveSpan();
      if (span?.isRecording()) {
        const spanAttributes: Attributes = {
          'routecache.outcome': event.outcome,
          'routecache.layer': event.layer,
          'routecache.not_modified': event.notModified,
        };
        if (event.reason !== undefined) spanAttributes['routecache.reason'] = event.reason;
        // A short stable hash of the store key: correlates spans without exposing the URL or identity.
        if (event.key !== undefined) spanAttributes['routecache.key_hash'] = fnv1aHex(event.key);
        if (event.ageSeconds !== undefined) spanAttributes['routecache.age'] = Math.floor(event.ageSeconds);
        span.setAttributes(spanAttributes);
      }
    },
    originEnd(info, end) {
      const attributes: Attributes = {
        ...routeAttributes(info.route),
        'routecache.background': info.background,
      };
      if (end.status !== undefined) attributes['http.response.status_code'] = end.status;
      else attributes['error.type'] = errorType(end.error);
      origin.record(end.durationMs / 1000, attributes);
    },
    storeCallEnd(info, result, durationMs) {
      const attributes: Attributes = {
        'routecache.layer': info.layer,
        'db.operation.name': info.operation,
        'routecache.result': result,
      };
      storeCalls.record(durationMs / 1000, attributes);
      if (result !== 'ok') storeErrors.add(1, attributes);
    },
    storeFailure(operation) {
      storeFailures.add(1, { 'db.operation.name': operation });
    },
    invalidation(event) {
      const attributes = {
        'routecache.invalidation.kind': event.kind,
        'routecache.invalidation.mode': event.mode,
      };
      invalidations.add(1, { ...attributes, 'routecache.result': event.failed ? 'failed' : 'ok' });
      invalidated.add(event.reached, attributes);
    },
    lockWait(event) {
      lockWaits.record(event.durationMs / 1000, {
        ...routeAttributes(event.route),
        'routecache.result': event.result,
      });
    },
  };
  if (spans) {
    sink.aroundOrigin = (info, run) =>
      tracer.startActiveSpan(
        'routecache origin',
        {
          kind: SpanKind.INTERNAL,
          attributes: { ...routeAttributes(info.route), 'routecache.background': info.background },
        },
        (span) =>
          run().then(
            (result) => {
              const status = (result as { status?: unknown })?.status;
              if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
              span.end();
              return result;
            },
            (error: unknown) => {
              span.recordException(error instanceof Error ? error : String(error));
              span.setStatus({ code: SpanStatusCode.ERROR });
              span.setAttribute('error.type', errorType(error));
              span.end();
              throw error;
            },
          ),
      );
    sink.aroundStoreCall = (info, next) =>
      tracer.startActiveSpan(
        `routecache ${info.layer} ${info.operation}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'routecache.layer': info.layer, 'db.operation.name': info.operation },
        },
        (span) =>
          next().then(
            (value) => {
              span.end();
              return value;
            },
            (error: unknown) => {
              span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
              span.setAttribute('error.type', errorType(error));
              span.end();
              throw error;
            },
          ),
      );
  }
  const detach = cache.observe(sink);
  return {
    stop() {
      detach();
      meter.removeBatchObservableCallback(batch, observables);
    },
  };
}

function errorType(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; reason?: unknown }).reason ?? (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return '_OTHER';
}
