import type { ResponseHeaders } from '@routecache/core';
import { NEST_METADATA } from '../route-cache.constants';

/** What Nest's own decorators say about a route, read once per handler. */
export interface RouteMetadata {
  /** `@Res()` / `@Next()` without `passthrough`: the handler sends the response itself. */
  sendsItself: boolean;
  /** `@Res({ passthrough: true })`: the handler may set status and headers on the response. */
  usesResponse: boolean;
  /** `@Sse()` or `@Render()`: streamed or rendered by Nest, never cached. */
  notCacheable: boolean;
  /** `@Redirect()`: Nest sends the redirect from the handler's `{ url, statusCode }`. */
  redirect: { url: string; statusCode?: number } | undefined;
  /** `@HttpCode()`. */
  httpCode: number | undefined;
  /** `@Header()` values (a function is called per response), lower-case names. */
  headers: readonly { name: string; value: string | (() => string) }[];
}

const RESPONSE = 1;
const NEXT = 2;
const cache = new WeakMap<Function, RouteMetadata>();

export function readRouteMetadata(controller: Function, handler: Function): RouteMetadata {
  let metadata = cache.get(handler);
  if (metadata) return metadata;
  const args: Record<string, { index: number }> =
    Reflect.getMetadata(NEST_METADATA.routeArgs, controller, handler.name) ?? {};
  const types = Object.keys(args).map((key) => Number(key.split(':')[0]));
  const usesResponse = types.includes(RESPONSE) || types.includes(NEXT);
  const passthrough = Reflect.getMetadata(NEST_METADATA.passthrough, controller, handler.name) === true;
  const redirect = Reflect.getMetadata(NEST_METADATA.redirect, handler);
  const headers = (
    (Reflect.getMetadata(NEST_METADATA.headers, handler) ?? []) as RouteMetadata['headers']
  ).map(({ name, value }) => ({ name: name.toLowerCase(), value }));
  metadata = {
    sendsItself: usesResponse && !passthrough,
    usesResponse,
    notCacheable:
      Reflect.getMetadata(NEST_METADATA.sse, handler) !== undefined ||
      Reflect.getMetadata(NEST_METADATA.render, handler) !== undefined,
    redirect: typeof redirect?.url === 'string' ? redirect : undefined,
    httpCode: Reflect.getMetadata(NEST_METADATA.httpCode, handler),
    headers,
  };
  cache.set(handler, metadata);
  return metadata;
}

/** The status and `@Header()` headers Nest sets before a handler runs, for a run detached from the response. */
export function staticResponseHead(
  metadata: RouteMetadata,
  method: string,
): { status: number; headers: ResponseHeaders } {
  const headers: ResponseHeaders = {};
  for (const { name, value } of metadata.headers)
    headers[name] = typeof value === 'function' ? value() : value;
  return { status: metadata.httpCode ?? (method === 'POST' ? 201 : 200), headers };
}
