import type { CacheAnswer, EarlyHits } from '@routecache/core';
import { type SendingResponse, sendBytesOnExpress, sendBytesOnFastify } from './buffered-body.util';
import { readCacheRequest } from './cache-request.util';
import {
  type PlatformResponse,
  writeContentLength,
  writeHeaders,
  writeStatus,
} from './platform-response.util';
import type { PlatformRequest } from './request-url.util';

/** The part of Nest's `AbstractHttpAdapter` the door is opened on. */
export interface DoorAdapter {
  getType(): string;
  use(handler: (req: never, res: never, next: () => void) => void): unknown;
  getInstance(): unknown;
}

interface FastifyInstance {
  addHook(name: 'onRequest', hook: (request: never, reply: never, done: () => void) => void): unknown;
}

/**
 * Opens `door` on the platform, in front of Nest's router: an Express middleware (`app.use()`,
 * after the app's own `app.use()` middleware and body parsers, before Nest's module
 * middleware), or a Fastify `onRequest` hook (after the plugins and hooks registered before
 * `app.init()`, Nest's module middleware included). A request the door answers goes no further:
 * no guard, pipe, interceptor or handler runs. False on other platforms.
 */
export function openEarlyDoor(adapter: DoorAdapter, door: EarlyHits): boolean {
  const platform = adapter.getType();
  if (platform === 'express') {
    adapter.use((req: PlatformRequest, res: PlatformResponse & SendingResponse, next: () => void) => {
      if (!answerEarly(door, req, res, false)) next();
    });
    return true;
  }
  if (platform === 'fastify') {
    (adapter.getInstance() as FastifyInstance).addHook(
      'onRequest',
      (request: PlatformRequest, reply: PlatformResponse & SendingResponse, done: () => void) => {
        // A hook that replies does not call `done`: Fastify goes on to `onSend` and the response.
        if (!answerEarly(door, request, reply, true)) done();
      },
    );
    return true;
  }
  return false;
}

const EMPTY = new Uint8Array(0);

/** Sends the door's answer to `req`, if it has one; true when it did. */
function answerEarly(
  door: EarlyHits,
  req: PlatformRequest,
  res: PlatformResponse & SendingResponse,
  fastify: boolean,
): boolean {
  let answer: CacheAnswer | undefined;
  try {
    answer = door.answer(readCacheRequest(req));
  } catch {
    return false;
  }
  if (answer === undefined) return false;
  writeStatus(res, answer.status);
  writeHeaders(res, answer.headers);
  if (answer.body !== null && answer.body.byteLength > 0) {
    if (fastify) sendBytesOnFastify(res, answer.body);
    else sendBytesOnExpress(res, answer.body);
    return true;
  }
  // A HEAD answer carries the GET's length (RFC 9110 §8.6). Fastify sets a HEAD's length from the
  // payload, which it then drops: zeros of that length. A 304 has neither.
  const length = answer.headers['content-length'];
  const declared = typeof length === 'string' && req.method === 'HEAD' ? length : undefined;
  if (fastify) {
    if (declared === undefined) res.send!(EMPTY);
    else res.send!(Buffer.alloc(Number(declared) || 0));
  } else {
    if (declared !== undefined) writeContentLength(res, declared);
    res.end!(EMPTY);
  }
  return true;
}
