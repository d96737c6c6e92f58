import type { CacheAnswer, CacheRequest, ResponseHeaders } from '@routecache/core';
import type { Context } from 'hono';

/** Statuses whose responses cannot carry a body (Fetch standard "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Translates a Hono request into the core's `CacheRequest`. */
export function toCacheRequest(
  c: Context,
  route: string,
  params: Readonly<Record<string, string>>,
): CacheRequest {
  const raw = c.req.raw;
  const { host, pathAndQuery } = splitUrl(raw.url);
  const headers = raw.headers;
  return {
    method: raw.method,
    host,
    url: pathAndQuery,
    headers: (name) => headers.get(name) ?? undefined,
    params,
    hasBody: raw.body !== null || hasBodyHeaders(headers),
    route,
  };
}

/**
 * Makes the handler see `url` (path and query, the unkeyed query parameters removed by the
 * core): `c.req.url`, `c.req.query()` and `c.req.queries()` all read `c.req.raw`.
 */
export function rewriteRequestUrl(c: Context, url: string): void {
  const raw = c.req.raw;
  const { origin, pathAndQuery } = splitUrl(raw.url);
  if (pathAndQuery === url) return;
  c.req.raw =
    raw.body === null
      ? new Request(origin + url, raw)
      : new Request(origin + url, {
          method: raw.method,
          headers: raw.headers,
          body: raw.body,
          signal: raw.signal,
          redirect: raw.redirect,
          duplex: 'half',
        } as RequestInit);
}

/** Response headers as the core takes them: lower-case names, `set-cookie` as a list. */
export function toHeaderRecord(headers: Headers): ResponseHeaders {
  const record: ResponseHeaders = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') record[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) record['set-cookie'] = cookies;
  return record;
}

/** The core's header record as `Headers`. */
export function toHeaders(record: ResponseHeaders): Headers {
  const headers = new Headers();
  for (const name in record) {
    const value = record[name]!;
    if (typeof value === 'string') headers.set(name, value);
    else for (const item of value) headers.append(name, item);
  }
  return headers;
}

/** The core's answer as a `Response`. */
export function toResponse(answer: CacheAnswer): Response {
  const body = NULL_BODY_STATUSES.has(answer.status) ? null : answer.body;
  return new Response(body as ConstructorParameters<typeof Response>[0], {
    status: answer.status,
    headers: toHeaders(answer.headers),
  });
}

function splitUrl(url: string): { origin: string; host: string; pathAndQuery: string } {
  const hostStart = url.indexOf('//') + 2;
  let pathStart = url.indexOf('/', hostStart);
  if (pathStart === -1) pathStart = url.length;
  return {
    origin: url.slice(0, pathStart),
    host: url.slice(hostStart, pathStart),
    pathAndQuery: url.slice(pathStart) || '/',
  };
}

function hasBodyHeaders(headers: Headers): boolean {
  const length = headers.get('content-length');
  return (length !== null && length !== '0') || headers.has('transfer-encoding');
}
