/**
 * An OpenTelemetry SDK for the adapters' tests, as a user would set one up: a tracer provider
 * with the in-memory span exporter, a meter provider with the in-memory metric exporter, and
 * the AsyncLocalStorage context manager (so the active span follows a request through awaits).
 * `serverSpan()` stands for an HTTP server instrumentation: it starts the request's SERVER span.
 */
import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface TestSdk {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** Runs `work` inside a new active SERVER span (ended when `work` settles). */
  serverSpan<T>(name: string, work: (span: Span) => T): T;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Collects the metrics now: data points of `name` with their attributes and value (sum or count). */
  points(name: string): Promise<{ attributes: Record<string, unknown>; value: number }[]>;
  shutdown(): Promise<void>;
}

export function startTestSdk(): TestSdk {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const tracer = tracerProvider.getTracer('test-http-server');
  return {
    tracerProvider,
    meterProvider,
    serverSpan(name, work) {
      return tracer.startActiveSpan(name, { kind: SpanKind.SERVER }, (span) => {
        const result = work(span);
        if (result instanceof Promise) return result.finally(() => span.end()) as typeof result;
        span.end();
        return result;
      });
    },
    spans: () => spanExporter.getFinishedSpans(),
    async points(name) {
      metricExporter.reset();
      await reader.forceFlush();
      const out: { attributes: Record<string, unknown>; value: number }[] = [];
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            if (metric.descriptor.name !== name) continue;
            for (const point of metric.dataPoints) {
              const v = point.value as number | { count: number };
              out.push({ attributes: point.attributes, value: typeof v === 'number' ? v : v.count });
            }
          }
        }
      }
      return out;
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      context.disable();
      trace.disable();
    },
  };
}

/** The span `span` is a child of, by id. */
export function parentId(span: ReadableSpan): string | undefined {
  return (span as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
}
