import type { CacheRequest, Policy, ResponseHeaders } from '@routecache/core';
import type { PlatformResponse } from './platform-response.util';
import type { ReplyCapture } from './reply-capture.util';
import type { PlatformRequest } from './request-url.util';
import type { RouteMetadata } from './route-metadata.util';

/** State of one request shared by its origin runs and the answer. */
export interface Exchange extends ReplyCapture {
  readonly req: PlatformRequest;
  readonly res: PlatformResponse;
  readonly handler: Function;
  readonly route: RouteMetadata;
  readonly request: CacheRequest;
  readonly policy: Policy;
  /** Headers read off the response by the foreground run: those the engine drops are removed. */
  handlerHeaders?: ResponseHeaders;
  /**
   * What middleware before the cache had set on the response (`enableCors()`'s headers), read
   * when the handler ran: never stored, left on the response.
   */
  preset?: ResponseHeaders;
  /** A body the foreground run streamed through (too large, or a stream): Nest sends it. */
  streamed?: { value: unknown };
}
