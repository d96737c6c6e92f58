import { StreamableFile } from '@nestjs/common';
import type { CacheAnswer, ResponseHeaders } from '@routecache/core';
import { onReply } from './buffered-body.util';
import type { PlatformResponse } from './platform-response.util';
import { isStreamingValue } from './response-body.util';
import type { RouteMetadata } from './route-metadata.util';

/**
 * One request's way through the app's interceptors outside routecache's: what it emitted to
 * them, and whether Nest's reply still waits for the engine's answer.
 */
export interface ReplyCapture {
  /** Nest's `reply()` can be hooked (`onReply()`). */
  readonly hooked: boolean;
  /** Hands Nest the value the route answers with (once), completing the interceptor's observable. */
  emit?: (value: unknown) => void;
  emitted?: boolean;
  /** The client went away before anything was emitted. */
  gone?: boolean;
  /** The result was replied without the engine's answer (a filter replied, the response closed). */
  abandoned?: boolean;
  /** Set while Nest's reply waits for the engine's answer to the captured result. */
  deliver?: (answer: CacheAnswer) => void;
}

/** What `captureReply()` does at the reply: send the engine's answer, or let a filter's error out. */
export interface CaptureSend {
  /** The value Nest's reply sends for the engine's answer (status and headers written). */
  answer(answer: CacheAnswer): unknown;
  /** Before an exception filter's reply of `status` goes out: the engine's headers for it. */
  failed(status: number): void;
  /**
   * The route's results reach Nest's reply as the handler returned them (seen before): when the
   * client goes away first, the value itself is stored, so waiters for it still get an answer.
   */
  readonly untouched: boolean;
}

/**
 * Emits a miss's `value` to the interceptors outside routecache's and resolves with what Nest's
 * `reply()` then gets from them; that reply waits for the engine's answer and sends it. Rejects
 * (and marks the capture abandoned) when the response ends another way: an exception filter
 * replied because an outer interceptor failed, or the client went away (the response closed)
 * and the route is not known to be `untouched`, whose value is then what is stored.
 */
export function captureReply(
  res: PlatformResponse,
  capture: ReplyCapture,
  value: unknown,
  send: CaptureSend,
): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    const abandon = (reason: string): void => {
      capture.abandoned = true;
      reject(new Error(`routecache: ${reason} before the answer was sent`));
    };
    const gone = (): void => (send.untouched ? resolve(value) : abandon('the client went away'));
    if (capture.gone) return gone();
    let pending = true;
    const answered = new Promise<CacheAnswer>((deliver) => {
      capture.deliver = deliver;
    });
    onReply(res, (body, statusCode, reply) => {
      pending = false;
      // Nest's router replies with no status of its own; exception filters give one.
      if (statusCode !== undefined) {
        send.failed(statusCode);
        abandon('an exception filter replied');
        return reply(body, statusCode);
      }
      resolve(body);
      return answered.then((answer) => reply(send.answer(answer)));
    });
    const raw = (res.raw ?? res) as unknown as NodeJS.EventEmitter & { destroyed?: boolean };
    if (raw.destroyed) return gone();
    raw.once?.('close', () => {
      if (pending) gone();
    });
    capture.emit!(value);
  });
}

/** A result Nest sends through `reply()` as it is (not a file, a stream nor a redirect): the outer interceptors' to map. */
export function isPlainResult(value: unknown, route: RouteMetadata): boolean {
  return !route.redirect && !(value instanceof StreamableFile) && !isStreamingValue(value);
}

export function sameHeaders(a: ResponseHeaders, b: ResponseHeaders): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => String(a[name]) === String(b[name]));
}
