import { methodRole } from '../http/request-method';
import type { CacheAnswer, CacheRequest, Origin, OriginResponse } from '../types';
import type { EngineContext } from './context';
import { invalidateUrls } from './invalidation';

/**
 * Other methods run untouched (behaviour 1: the unfiltered URL, no policy headers); a 2xx/3xx
 * answer to an unsafe one invalidates the stored entries of the URL and of same-origin `Location` /
 * `Content-Location` (behaviour 10, RFC 9111 §4.4). An origin error is rethrown.
 */
export async function passUnsafe(
  context: EngineContext,
  request: CacheRequest,
  origin: Origin,
): Promise<CacheAnswer> {
  context.stats.count('bypass', request.routeLabel);
  const response = await runOriginDirect(context, request, origin);
  const unsafe = methodRole(request.method) === 'invalidate';
  if (unsafe && response.status >= 200 && response.status < 400) {
    try {
      await invalidateUrls(context, request, response.headers);
    } catch (error) {
      context.options.logger.warn('routecache: could not invalidate after an unsafe request', { error });
    }
  }
  return toAnswer(response);
}

/** Runs the origin on the request as received, its headers left as the handler set them. */
export function runOriginDirect(
  context: EngineContext,
  request: CacheRequest,
  origin: Origin,
): Promise<OriginResponse> {
  return origin({
    request,
    url: request.url,
    maxBodyBytes: context.options.maxBodyBytes,
    finalizeHeaders: (_status, headers) => headers,
    background: false,
  });
}

/** The origin's response as the answer (`sent` when the adapter already streamed it). */
export function toAnswer(response: OriginResponse): CacheAnswer {
  return {
    status: response.status,
    headers: response.headers,
    body: response.body,
    sent: response.body === null,
  };
}
