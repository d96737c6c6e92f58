import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type {
  CacheAnswer,
  CacheOptions,
  CacheRequest,
  RouteCache,
  TargetedCacheControl,
} from '@routecache/core';
import { PolicyError } from '@routecache/core';
import { CONDITIONAL_REQUEST_HEADERS, hasRequestBody, resolveAdapterCache } from '@routecache/core/adapter';
import { createProxyOrigin } from './proxy-origin';
import { UpstreamError } from './upstream-request';

/** `createProxy()` options. */
export interface ProxyOptions extends CacheOptions {
  /** The origin every request goes to: `http://` or `https://`, with an optional base path. Required. */
  upstream: string | URL;
  /**
   * An existing cache to use instead of a new one (its own options apply; do not combine it with
   * cache options).
   * @default undefined (a new `createCache()` on the given `store`, `memoryStore()` without one)
   */
  cache?: RouteCache;
  /**
   * Longest wait for the upstream's response head, and longest silence while its body is read,
   * in milliseconds. Past it the client gets a 504 (or a stale entry within `stale-if-error`).
   * @default 30000
   */
  timeoutMs?: number;
  /** The pseudonym this proxy adds to `Via` (RFC 9110 §7.6.3). @default 'routecache' */
  via?: string;
  /** Send the client's `Host` upstream instead of the upstream URL's. @default false */
  preserveHost?: boolean;
  /**
   * Targeted fields the proxy obeys, as the surrogate in front of the upstream (see the core's
   * `targetedFields`; RFC 9213, W3C Edge Architecture). `[]` for a plain shared cache.
   * @default ['surrogate-control', 'cdn-cache-control'] (none when `cache` is given: configure that cache)
   */
  targetedFields?: readonly TargetedCacheControl[];
}

/** The targeted fields a proxy obeys unless told otherwise: it is the origin's surrogate. */
export const PROXY_TARGETED_FIELDS: readonly TargetedCacheControl[] = Object.freeze([
  'surrogate-control',
  'cdn-cache-control',
]);

/** A caching reverse proxy: a Node request listener and its cache. */
export interface RouteCacheProxy {
  /** Handles one request (`http.createServer(proxy.listener)`). */
  readonly listener: RequestListener;
  readonly cache: RouteCache;
  /** Closes the cache when the proxy created it. */
  close(): Promise<void>;
}

/**
 * Creates a caching reverse proxy in front of `upstream`, on the header-driven shared-cache mode
 * (`from: 'response'`: RFC 9111 as a shared cache reads the upstream's headers). The proxy only
 * translates between Node's HTTP server and the engine; every caching decision is the core's.
 *
 * @see ../README.md
 * @example
 * const proxy = createProxy({ upstream: 'http://127.0.0.1:3000' });
 * http.createServer(proxy.listener).listen(8080);
 */
export function createProxy(options: ProxyOptions): RouteCacheProxy {
  const {
    upstream: target,
    timeoutMs = 30_000,
    via = 'routecache',
    preserveHost = false,
    targetedFields: _fields,
    ...rest
  } = options;
  let upstream: URL;
  try {
    upstream = new URL(String(target));
  } catch {
    throw new PolicyError(
      'createProxy.upstream',
      `must be an http: or https: URL, got ${JSON.stringify(target)}`,
    );
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:')
    throw new PolicyError('createProxy.upstream', `must be an http: or https: URL, got ${upstream.protocol}`);
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0))
    throw new PolicyError(
      'createProxy.timeoutMs',
      `must be a positive number of milliseconds, got ${timeoutMs}`,
    );
  const own = rest.cache === undefined;
  const targetedFields = options.targetedFields ?? (own ? PROXY_TARGETED_FIELDS : undefined);
  const { cache, owned } = resolveAdapterCache(own ? { ...rest, targetedFields } : rest);
  const policy = cache.definePolicy({ from: 'response' });
  // W3C Edge Architecture §2.2: a surrogate advertises itself so the origin can target it.
  const deviceToken =
    options.deviceToken ?? (typeof options.cacheStatus === 'string' ? options.cacheStatus : 'routecache');
  const surrogateCapability = targetedFields?.includes('surrogate-control')
    ? `${deviceToken}="Surrogate/1.0"`
    : undefined;
  const base = { upstream, via, timeoutMs, preserveHost, surrogateCapability };

  const listener: RequestListener = function routeCacheProxy(request, response) {
    const origin = createProxyOrigin({ ...base, request, response });
    const refresh = createProxyOrigin({ ...base, request: detached(request), response: undefined });
    let answer: CacheAnswer | Promise<CacheAnswer>;
    try {
      answer = cache.handle(toCacheRequest(request), policy, origin, { refresh });
    } catch (error) {
      answer = Promise.reject(error);
    }
    if (answer instanceof Promise) {
      answer.then(
        (sent) => sendAnswer(response, sent),
        (error: unknown) => sendError(response, error),
      );
    } else sendAnswer(response, answer);
  };
  return { listener, cache, close: () => (owned ? cache.close() : Promise.resolve()) };
}

/** Node's request as the core's `CacheRequest`. */
function toCacheRequest(request: IncomingMessage): CacheRequest {
  const headers = request.headers;
  const get = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    method: request.method ?? 'GET',
    host: get('host') ?? '',
    url: request.url ?? '/',
    scheme: (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
    headers: get,
    headerRecord: headers,
    hasBody: hasRequestBody(get),
    // No route label: what the engine learns from a response's `Vary` is then kept per path.
  };
}

/** The request's method, URL, headers and socket for a background refresh, without its body or preconditions. */
function detached(request: IncomingMessage): IncomingMessage {
  return {
    method: request.method,
    url: request.url,
    httpVersion: request.httpVersion,
    // A refresh must produce the full representation: no precondition, no range (RFC 9110 §13.1, §14.2).
    headers: Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !CONDITIONAL_REQUEST_HEADERS.includes(name)),
    ),
    socket: {
      remoteAddress: request.socket.remoteAddress,
      encrypted: (request.socket as { encrypted?: boolean }).encrypted,
    },
  } as unknown as IncomingMessage;
}

function sendAnswer(response: ServerResponse, answer: CacheAnswer): void {
  if (answer.sent || response.headersSent) return;
  response.writeHead(answer.status, answer.headers as Record<string, string | string[]>);
  response.end(answer.body ?? undefined);
}

/** An upstream failure as 502 or 504 (never a crash); a failure mid-stream ends the connection. */
function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const status = error instanceof UpstreamError ? error.status : 502;
  const body = status === 504 ? 'Gateway Timeout\n' : 'Bad Gateway\n';
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
  });
  response.end(response.req?.method === 'HEAD' ? undefined : body);
}
