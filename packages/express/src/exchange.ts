import type { CacheRequest } from '@routecache/core';
import { hasRequestBody, requestHost as pickRequestHost, routedUrl } from '@routecache/core/adapter';
import type { Request } from 'express';

/**
 * Translates an Express request into the engine's `CacheRequest`.
 *
 * The host is the `Host` header; `X-Forwarded-Host` is used only when the app trusts the proxy
 * that sent it (`app.set('trust proxy', …)`), as Express's own `req.host` does. The URL is the
 * one Express routes (`expressRoutedUrl`: mounted routers included, after any rewrite of `req.url` by
 * a middleware before the cache), and `req.originalUrl` too when such a rewrite changed it.
 */
export function toCacheRequest(
  req: Request,
  route: string | undefined,
  params: Readonly<Record<string, string>> | undefined = req.params as Record<string, string>,
): CacheRequest {
  const headers = req.headers;
  const get = (name: string): string | undefined => joinHeader(headers[name]);
  const url = expressRoutedUrl(req);
  return {
    method: req.method,
    host: requestHost(req),
    url,
    ...(url === req.originalUrl ? {} : { requestedUrl: req.originalUrl }),
    // `X-Forwarded-Proto` counts only under `trust proxy`, as for the host.
    scheme: req.protocol,
    headers: get,
    headerRecord: headers,
    params,
    hasBody: hasRequestBody(get),
    routeLabel: route,
  };
}

/** The URL Express routes `req` by, in full (mounted routers included; core `routedUrl`). */
export function expressRoutedUrl(req: Request): string {
  return routedUrl(req.baseUrl, req.url, req.originalUrl);
}

/** `Host`, or the first `X-Forwarded-Host` when the app trusts the immediate peer (the core's `requestHost`). */
export function requestHost(req: Request): string {
  return pickRequestHost(req.headers.host, joinHeader(req.headers['x-forwarded-host']), () => {
    const trust = req.app.get('trust proxy fn') as
      | ((address: string | undefined, hop: number) => boolean)
      | undefined;
    return trust?.(req.socket.remoteAddress, 0) === true;
  });
}

function joinHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
