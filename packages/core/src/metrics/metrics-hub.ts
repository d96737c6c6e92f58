import type { Logger } from '../types';
import type {
  AnswerEvent,
  InvalidationEvent,
  LockWaitEvent,
  MetricsSink,
  OriginRunInfo,
  StoreCallInfo,
  StoreCallResult,
  StoreObserver,
} from './events';

/**
 * The engine's one metrics sink: fans events out to the sinks attached with
 * `RouteCache.observe()`. `active` is false while none is attached, and every emitter in the
 * engine checks it first, so nothing is built, measured or called on the hot path then.
 */
export interface MetricsHub extends StoreObserver {
  readonly active: boolean;
  /** Attaches a sink; returns its detach function. */
  add(sink: MetricsSink): () => void;
  answer(event: AnswerEvent): void;
  /** Runs `run` wrapped by every sink's `aroundOrigin`, then reports its end (duration, status or error). */
  origin<T extends { status: number }>(info: OriginRunInfo, run: () => Promise<T>): Promise<T>;
  storeFailure(operation: string, route: string | undefined): void;
  invalidation(event: InvalidationEvent): void;
  lockWait(event: LockWaitEvent): void;
  /** Called when `active` changes (the engine swaps its instrumented request entry point in and out). */
  onActiveChange(listener: (active: boolean) => void): void;
}

/** Milliseconds from a monotonic clock where there is one (`performance` is in every runtime we support). */
export const monotonicMs: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function'
    ? () => performance.now()
    : () => Date.now();

/** Classifies a store rejection: `StoreError`s carry `reason` `'timeout'` / `'circuit-open'`. */
export function classifyStoreError(error: unknown): StoreCallResult {
  const reason = (error as { reason?: unknown } | null)?.reason;
  if (reason === 'timeout') return 'timeout';
  if (reason === 'circuit-open') return 'skipped';
  return 'error';
}

/** Creates the hub behind `RouteCache.observe()`. Sinks that throw are logged (once each) and skipped. */
/** `logger` is the cache's resolved one, which never throws (`safeLogger`). */
export function createMetricsHub(logger: Logger): MetricsHub {
  let sinks: readonly MetricsSink[] = [];
  const listeners: ((active: boolean) => void)[] = [];
  const complained = new WeakSet<MetricsSink>();

  function failed(sink: MetricsSink, error: unknown): void {
    if (complained.has(sink)) return;
    complained.add(sink);
    logger.warn('routecache: a metrics sink threw; its events are dropped', { error });
  }

  function each(call: (sink: MetricsSink) => void): void {
    for (const sink of sinks) {
      try {
        call(sink);
      } catch (error) {
        failed(sink, error);
      }
    }
  }

  /** Nests `next` inside every sink's wrapper (first sink outermost). A wrapper that throws synchronously is skipped. */
  function wrap<T>(
    pick: (sink: MetricsSink) => ((next: () => Promise<T>) => Promise<T>) | undefined,
    next: () => Promise<T>,
  ): () => Promise<T> {
    let run = next;
    for (let i = sinks.length - 1; i >= 0; i--) {
      const sink = sinks[i]!;
      const around = pick(sink);
      if (!around) continue;
      const inner = run;
      run = () => {
        let called = false;
        const once = () => {
          called = true;
          return inner();
        };
        try {
          return around(once);
        } catch (error) {
          failed(sink, error);
          return called ? Promise.reject(error) : inner();
        }
      };
    }
    return run;
  }

  const hub: MetricsHub & { active: boolean } = {
    // A plain field (not a getter): the engine reads it on every answer.
    active: false,
    add(sink) {
      if (typeof sink !== 'object' || sink === null)
        throw new TypeError('observe() takes a metrics sink object');
      const wasActive = sinks.length > 0;
      sinks = [...sinks, sink];
      hub.active = true;
      if (!wasActive) for (const listener of listeners) listener(true);
      let attached = true;
      return () => {
        if (!attached) return;
        attached = false;
        sinks = sinks.filter((s) => s !== sink);
        hub.active = sinks.length > 0;
        if (sinks.length === 0) for (const listener of listeners) listener(false);
      };
    },
    onActiveChange(listener) {
      listeners.push(listener);
    },
    answer(event) {
      each((sink) => sink.answer?.(event));
    },
    async origin<T extends { status: number }>(info: OriginRunInfo, run: () => Promise<T>): Promise<T> {
      const started = monotonicMs();
      let status: number | undefined;
      let error: unknown;
      try {
        const result = await wrap<T>(
          (sink) => (sink.aroundOrigin ? (next) => sink.aroundOrigin!(info, next) : undefined),
          run,
        )();
        status = result.status;
        return result;
      } catch (thrown) {
        error = thrown ?? new Error('origin failed');
        throw thrown;
      } finally {
        const end = { durationMs: monotonicMs() - started, status, error };
        each((sink) => sink.originEnd?.(info, end));
      }
    },
    around<T>(info: StoreCallInfo, next: () => Promise<T>): Promise<T> {
      if (sinks.length === 0) return next();
      const started = monotonicMs();
      const report = (result: StoreCallResult) => {
        const durationMs = monotonicMs() - started;
        each((sink) => sink.storeCallEnd?.(info, result, durationMs));
      };
      let pending: Promise<T>;
      try {
        pending = wrap<T>(
          (sink) => (sink.aroundStoreCall ? (inner) => sink.aroundStoreCall!(info, inner) : undefined),
          next,
        )();
      } catch (error) {
        report(classifyStoreError(error));
        return Promise.reject(error);
      }
      return pending.then(
        (value) => {
          report('ok');
          return value;
        },
        (error: unknown) => {
          report(classifyStoreError(error));
          throw error;
        },
      );
    },
    busHealth(healthy) {
      each((sink) => sink.busHealth?.({ healthy }));
    },
    storeFailure(operation, route) {
      each((sink) => sink.storeFailure?.(operation, route));
    },
    invalidation(event) {
      each((sink) => sink.invalidation?.(event));
    },
    lockWait(event) {
      each((sink) => sink.lockWait?.(event));
    },
  };
  return hub;
}
