/**
 * `@routecache/core/prometheus`: the cache's metrics on a prom-client registry. Node only;
 * prom-client is an optional peer dependency.
 */
export {
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
  registerPrometheusMetrics,
} from './prometheus-metrics';
