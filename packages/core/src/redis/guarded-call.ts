/**
 * How the Redis store makes every call: bounded by a time limit, skipped while the circuit
 * breaker is open, failures counted and turned into `StoreError`, and seen by the metrics
 * observer when one is attached.
 */

import { StoreError } from '../errors';
import type { StoreObserver } from '../metrics/events';
import { withinDeadline } from '../util/deadline';
import type { CircuitBreaker } from './circuit-breaker';

/**
 * What becomes of a guarded call's outcome, applied where the guard settles (no `.then` of the
 * caller's, so no promise and no microtask turn more per call: it is every L2 read's path).
 */
export interface CallOutcome<T, U> {
  /** The value the call's promise resolves with; a throw rejects it. */
  value(result: T): U;
  /** Sees the `StoreError` the call's promise rejects with (a timeout included). */
  error?(error: StoreError): void;
}

/** Runs one Redis call; `essential` calls (invalidations) are attempted even when the breaker is open. */
export type GuardedCall = <T, U = T>(
  operation: string,
  call: () => Promise<T>,
  limitMs: number,
  essential?: boolean,
  outcome?: CallOutcome<T, U>,
) => Promise<U>;

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

  function guardedCall<T, U>(
    operation: string,
    call: () => Promise<T>,
    limitMs: number,
    essential: boolean,
    outcome: CallOutcome<T, U> | undefined,
  ): Promise<U> {
    if (breaker && !essential && !breaker.allow()) {
      counters.skipped++;
      return Promise.reject(
        settleError(
          new StoreError(`redis ${operation} skipped: circuit open`, { store, reason: 'circuit-open' }),
          outcome,
        ),
      );
    }
    // Plain promise chaining, no async frames: this wraps every L2 read.
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (error) {
      return Promise.reject(settleError(failed(operation, error), outcome));
    }
    return withinDeadline(
      pending,
      limitMs,
      () => new StoreError(`redis ${operation} timed out after ${limitMs} ms`, { store, reason: 'timeout' }),
      {
        value(result) {
          breaker?.success();
          return outcome ? outcome.value(result) : (result as unknown as U);
        },
        error: (error) => settleError(failed(operation, error), outcome),
      },
    );
  }

  /** Shows `error` to the caller's outcome, and returns it to reject with. */
  function settleError<T, U>(error: StoreError, outcome: CallOutcome<T, U> | undefined): StoreError {
    outcome?.error?.(error);
    return error;
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
    guarded(operation, call, limitMs, essential = false, outcome) {
      if (observer === undefined) return guardedCall(operation, call, limitMs, essential, outcome);
      return observer.around({ layer: 'l2', operation }, () =>
        guardedCall(operation, call, limitMs, essential, outcome),
      );
    },
    observe(next) {
      observer = next;
    },
  };
}
