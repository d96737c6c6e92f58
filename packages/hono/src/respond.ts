import type { CacheAnswer, Policy, ResponseHeaders, RouteCache } from '@routecache/core';
import type { Context, Next } from 'hono';
import { hideOriginHeaders, rewriteRequestUrl, toCacheRequest, toResponse } from './exchange';
import { readOriginResponse, readPresetHeaders, withPreset } from './origin-response';
import { createRefresh, executionCtxOf, type RefreshApp } from './refresh';

/** Deleting this (absent) header only makes Hono prepare its response headers. */
const NO_SUCH_HEADER = 'x-routecache-prepare';

/** The policy a request falls under, with its stats label and route parameters. */
export interface RouteTarget {
  policy: Policy;
  /** Label for per-route stats, e.g. `'GET /api/products/:id'`. */
  route: string;
  /** Route parameters, or how to read them (only a policy's `tags`/`identify` callbacks need them). */
  params: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
}

/**
 * Hands one request to `cache.handle()` and sends its answer. Everything the handler needs to
 * see is read or rewritten before `next()`; `c.res` is read after it. A hit the engine answers
 * synchronously is returned as a `Response` at once (not `async`: no promise of its own).
 */
export function respond(
  c: Context,
  next: Next,
  target: RouteTarget,
  cache: RouteCache,
  app: RefreshApp | undefined,
): Response | undefined | Promise<Response | undefined> {
  let handlerRan = false;
  /** What middleware before the cache had set, read when the handler ran: kept on what is sent. */
  let preset: ResponseHeaders | undefined;
  const replaceResponse = (res: Response): void => {
    // Clearing first stops Hono from merging the handler's headers back into ours.
    c.res = undefined;
    c.res = res;
  };
  const send = (answer: CacheAnswer): Response | undefined => {
    if (answer.sent) return undefined;
    // A hit goes back through the middleware before the cache, which sets its headers again.
    if (!handlerRan) return toResponse(answer);
    replaceResponse(toResponse({ ...answer, headers: withPreset(answer.headers, preset) }));
    return undefined;
  };

  const answer = cache.handle(
    toCacheRequest(c, target.route, target.params),
    target.policy,
    async function runHandler(ctx) {
      rewriteRequestUrl(c, ctx.url);
      hideOriginHeaders(c);
      // Makes `c.text()` build its Response with an explicit Content-Type: Bun hides the implicit
      // one of `new Response(string)` from `res.headers`, so it would be lost from the entry.
      c.header(NO_SUCH_HEADER, undefined);
      handlerRan = true;
      preset = readPresetHeaders(c);
      await next();
      return readOriginResponse(c.res, ctx, replaceResponse, preset, c.req.raw);
    },
    {
      refresh: app ? createRefresh(app, c) : undefined,
      // Looked up only when there is background work: on Node `c.executionCtx` throws.
      waitUntil: (promise) => executionCtxOf(c)?.waitUntil(promise),
    },
  );
  return answer instanceof Promise ? answer.then(send) : send(answer);
}
