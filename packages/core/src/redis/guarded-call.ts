/**
 * How the Redis store makes every call: bounded by a time limit, skipped while the circuit
 * breaker is open, failures counted and turned into `StoreError`, and seen by the metrics
 * observer when one is attached.
 */

import { StoreError } from '../errors';
import type { StoreObserver } from '../metrics/events';
import { withinDeadline } from '../util/deadline';
import type { CircuitBreaker } from './circuit-breaker';

/** Runs one Redis call; `essential` calls (invalidations) are attempted even when the breaker is open. */
export type GuardedCall = <T>(
  operation: string,
  call: () => Promise<T>,
  limitMs: number,
  essential?: boolean,
) => Promise<T>;

/** The guard of one store: its call runner, and where the metrics observer plugs in. */
export interface CallGuard {
  readonly guarded: GuardedCall;
  /** Attaches the metrics observer that times every call from now on. */
  observe(observer: StoreObserver): void;
}

/**
 * The call guard of the store named `store`: `counters.errors` counts failures,
 * `counters.skipped` the calls the open breaker refused; `breaker` is optional.
 */
export function createCallGuard(
  store: string,
  breaker: CircuitBreaker | undefined,
  counters: { errors: number; skipped: number },
): CallGuard {
  let observer: StoreObserver | undefined;

  function guardedCall<T>(
    operation: string,
    call: () => Promise<T>,
    limitMs: number,
    essential: boolean,
  ): Promise<T> {
    if (breaker && !essential && !breaker.allow()) {
      counters.skipped++;
      return Promise.reject(
        new StoreError(`redis ${operation} skipped: circuit open`, { store, reason: 'circuit-open' }),
      );
    }
    // Plain promise chaining, no async frames: this wraps every L2 read.
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (error) {
      return Promise.reject(failed(operation, error));
    }
    return withinDeadline(
      pending,
      limitMs,
      () => new StoreError(`redis ${operation} timed out after ${limitMs} ms`, { store, reason: 'timeout' }),
      {
        value(result) {
          breaker?.success();
          return result;
        },
        error: (error) => failed(operation, error),
      },
    );
  }

  /** Counts a failed call, tells the breaker, and returns the error to throw. */
  function failed(operation: string, error: unknown): StoreError {
    // A reply error (OOM, WRONGTYPE, NOSCRIPT…) means Redis is up and answering: not a reason
    // to stop calling it. Timeouts and connection errors are.
    if ((error as Error)?.name === 'ReplyError') breaker?.success();
    else breaker?.failure();
    counters.errors++;
    if (error instanceof StoreError) return error;
    return new StoreError(`redis ${operation} failed: ${(error as Error)?.message ?? String(error)}`, {
      store,
      cause: error,
    });
  }

  return {
    guarded(operation, call, limitMs, essential = false) {
      if (observer === undefined) return guardedCall(operation, call, limitMs, essential);
      return observer.around({ layer: 'l2', operation }, () =>
        guardedCall(operation, call, limitMs, essential),
      );
    },
    observe(next) {
      observer = next;
    },
  };
}
