import type { MetricsHub } from '../metrics/metrics-hub';
import type { CacheAnswer, CacheRequest, HandleOptions, Origin, Policy } from '../types';

type Handle = (
  request: CacheRequest,
  policy: Policy,
  origin: Origin,
  options?: HandleOptions,
) => CacheAnswer | Promise<CacheAnswer>;

/**
 * The request entry point used while a metrics sink listens: every handler run (foreground
 * and background refresh) is timed and wrapped by the sinks (a tracer's origin span), and the
 * answers the engine does not report itself are reported here: other methods (`bypass`,
 * reason `'method'`) and responses the adapter streamed through (`bypass`, reason `'streamed'`).
 * Hits answered synchronously stay synchronous.
 */
export function instrumentHandle(handle: Handle, metrics: MetricsHub): Handle {
  return function instrumentedHandle(request, policy, origin, options) {
    const route = request.routeLabel;
    const method = String(request.method).toUpperCase();
    const timed: Origin = (ctx) =>
      metrics.origin({ route, method, background: ctx.background }, () => origin(ctx));
    const refresh = options?.refresh;
    const handleOptions: HandleOptions | undefined = refresh
      ? {
          ...options,
          refresh: (ctx) => metrics.origin({ route, method, background: true }, () => refresh(ctx)),
        }
      : options;
    const answer = handle(request, policy, timed, handleOptions);
    if (!(answer instanceof Promise)) return answer;
    const cacheable = method === 'GET' || method === 'HEAD';
    return answer.then((settled) => {
      if (!cacheable || settled.sent) {
        metrics.answer({
          route,
          outcome: 'bypass',
          layer: 'origin',
          reason: cacheable ? 'streamed' : 'method',
          status: settled.status,
          notModified: false,
          stored: false,
          key: undefined,
          url: request.url,
          host: String(request.host ?? '').toLowerCase(),
          tags: [],
          ageSeconds: undefined,
        });
      }
      return settled;
    });
  };
}
