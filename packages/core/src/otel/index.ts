/**
 * `@routecache/core/otel`: the cache's metrics on an OpenTelemetry meter, its outcome on the
 * active span, and spans for handler runs and L2 calls. `@opentelemetry/api` is an optional
 * peer dependency; bring your SDK.
 */
export {
  INSTRUMENTATION_NAME,
  instrumentOpenTelemetry,
  type OpenTelemetryInstrumentation,
  type OpenTelemetryOptions,
} from './otel-instrumentation';
