/** The part of a platform request the interceptor reads: Express's `req` or Fastify's `request`. */
export interface PlatformRequest {
  method: string;
  url: string;
  originalUrl?: string;
  /** Express: where the router that matched is mounted (`''` at the app's root). */
  baseUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string>;
  query?: unknown;
  /** `'http'` or `'https'` (Express `req.protocol`, Fastify `request.protocol`). */
  protocol?: string;
  /** Fastify: the Node request. */
  raw?: { url?: string; headers: Record<string, string | string[] | undefined> };
  /** Express: the matched route. */
  route?: { path?: unknown };
  /** Fastify: the matched route. */
  routeOptions?: { url?: string };
  /** Fastify: the host, from `X-Forwarded-Host` under `trustProxy`. */
  host?: unknown;
  /** Express: the app (its `trust proxy fn` setting) and the connection. */
  app?: { get(setting: string): unknown };
  socket?: { remoteAddress?: string };
}

/**
 * Makes the handler see `url`'s query (the engine drops unkeyed parameters, behaviour 4):
 * `req.url` / `req.originalUrl` (Express derives `req.query` from them), Fastify's raw URL
 * and its parsed `request.query`.
 */
export function rewriteRequestUrl(req: PlatformRequest, url: string): void {
  const mark = url.indexOf('?');
  const search = mark === -1 ? '' : url.slice(mark);
  const withSearch = (current: string): string => {
    const at = current.indexOf('?');
    return (at === -1 ? current : current.slice(0, at)) + search;
  };
  if (req.raw) {
    if (req.raw.url !== undefined) req.raw.url = withSearch(req.raw.url);
  } else {
    req.url = withSearch(req.url);
    if (req.originalUrl !== undefined) req.originalUrl = withSearch(req.originalUrl);
  }
  if (Object.getOwnPropertyDescriptor(req, 'query')?.writable) req.query = parseQuery(search);
}

function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const previous = query[name];
    if (previous === undefined) query[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else query[name] = [previous, value];
  }
  return query;
}
