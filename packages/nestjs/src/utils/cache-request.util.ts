import type { CacheRequest } from '@routecache/core';
import { hasRequestBody, routedUrl } from '@routecache/core/adapter';
import { platformHost } from './platform-request.util';
import type { PlatformRequest } from './request-url.util';

/**
 * The request as the engine sees it, read off Express's `req` or Fastify's `request` the same
 * way wherever it is read (the interceptor, the early door), so both find the same entry: the
 * URL Nest routes (after a rewrite by middleware before it) and the client's when it differs,
 * the scheme and host under the platform's proxy settings, the headers. `route` (the stats label) and `params`
 * are the matched route's, when there is one.
 */
export function readCacheRequest(req: PlatformRequest, route?: string): CacheRequest {
  const headers = req.raw?.headers ?? req.headers;
  const url = servedUrl(req);
  const get = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const request: CacheRequest = {
    method: req.method,
    host: platformHost(req, get),
    url,
    // Express `req.protocol` / Fastify `request.protocol`: proxy headers only when trusted.
    scheme: req.protocol,
    headers: get,
    headerRecord: headers,
    params: req.params ?? {},
    // RFC 9112 §6.3: the framing fields of the incoming message, read off its own record.
    hasBody: hasRequestBody(headers),
    routeLabel: route,
  };
  if (req.originalUrl !== undefined && req.originalUrl !== url) request.requestedUrl = req.originalUrl;
  return request;
}

/** The URL Nest routed `req` by: Fastify's `request.url`, Express's mount path plus `req.url`. */
export function servedUrl(req: PlatformRequest): string {
  return req.raw ? req.url : routedUrl(req.baseUrl, req.url, req.originalUrl);
}
