import type { CacheAnswer } from '@routecache/core';
import { Observable, type Subscriber } from 'rxjs';
import type { ReplyCapture } from './reply-capture.util';

/**
 * The observable Nest subscribes to for an answer the engine gives as a promise (a miss, a
 * waiter, a lookup in an L2): it emits what `settle` makes of the answer, or the value a miss's
 * run hands the outer interceptors (`exchange.emit`); the answer goes to a reply that waits for
 * it (`exchange.deliver`) instead when there is one. A failure is the observable's error.
 */
export function pendingAnswer(
  exchange: ReplyCapture,
  answer: Promise<CacheAnswer>,
  settle: (answer: CacheAnswer) => unknown,
): Observable<unknown> {
  // The run may emit (a miss's value, for the outer interceptors) or the answer arrive before
  // Nest subscribes (the engine is called at intercept()): both wait for the subscriber.
  let subscriber: Subscriber<unknown> | undefined;
  let outcome: { value: unknown } | { error: unknown } | undefined;
  const finish = (result: { value: unknown } | { error: unknown }): void => {
    if (!subscriber) outcome = result;
    else if ('error' in result) subscriber.error(result.error);
    else {
      subscriber.next(result.value);
      subscriber.complete();
    }
  };
  exchange.emit = (value) => {
    exchange.emitted = true;
    finish({ value });
  };
  answer.then(
    (answer) => {
      if (exchange.abandoned) return;
      if (exchange.deliver) exchange.deliver(answer);
      else exchange.emit!(settle(answer));
    },
    (error: unknown) => {
      if (!exchange.abandoned && !exchange.emitted) finish({ error });
    },
  );
  return new Observable<unknown>((subscribing) => {
    subscriber = subscribing;
    if (outcome) finish(outcome);
    return () => {
      if (!exchange.emitted) exchange.gone = true;
    };
  });
}
