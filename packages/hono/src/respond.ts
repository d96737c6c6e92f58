import type {
  CacheAnswer,
  HandleOptions,
  OriginContext,
  OriginResponse,
  Policy,
  RouteCache,
} from '@routecache/core';
import type { Context, Next } from 'hono';
import {
  HonoCacheRequest,
  hideOriginHeaders,
  type RouteParams,
  rewriteRequestUrl,
  toResponse,
} from './exchange';
import { watchHiddenTextType } from './implicit-type';
import { readOriginResponse, readPresetHeaders, withPreset } from './origin-response';
import { takeResponsePolicy } from './response-policy';

/** Without an app to refresh through there is no background work, so no options (one shared object). */
const NO_OPTIONS: HandleOptions = Object.freeze({});

/** The policy a request falls under, with its stats label and route parameters. */
export interface RouteTarget {
  policy: Policy;
  /** Label for per-route stats, e.g. `'GET /api/products/:id'`. */
  route: string;
  /** Decoded route parameters; `undefined`: read from Hono when a policy's `tags`/`identify` callback asks. */
  params: RouteParams;
}

/**
 * Hands one request to `cache.handle()` and sends its answer. Everything the handler needs to
 * see is read or rewritten before `next()`; `c.res` is read after it. A hit the engine answers
 * synchronously is returned as a `Response` at once (not `async`: no promise of its own), and
 * allocates no closure: the origin is one function for all requests (`runHandler`), and the rest
 * is built only when the answer is a promise.
 */
export function respond(
  c: Context,
  next: Next,
  policy: Policy,
  route: string,
  params: RouteParams,
  cache: RouteCache,
  /** `routeCache({ app })`'s background options (refresh and `waitUntil`), built once. */
  background: HandleOptions = NO_OPTIONS,
): Response | undefined | Promise<Response | undefined> {
  const request = new HonoCacheRequest(c, next, route, params);
  const answer = cache.handle(request, policy, runHandler, background);
  // A synchronous answer never ran the handler (an origin run is always awaited).
  if (!(answer instanceof Promise)) return answer.sent ? undefined : toResponse(answer);
  return answer.then((settled: CacheAnswer): Response | undefined => {
    if (settled.sent) return undefined;
    // A hit goes back through the middleware before the cache, which sets its headers again.
    if (!request.handlerRan) return toResponse(settled);
    replaceResponse(c, toResponse({ ...settled, headers: withPreset(settled.headers, request.preset) }));
    return undefined;
  });
}

/** The origin of every request: the rest of Hono's chain, for the request the engine hands back. */
async function runHandler(ctx: OriginContext): Promise<OriginResponse> {
  const request = ctx.request as HonoCacheRequest;
  const c = request.context;
  rewriteRequestUrl(c, ctx.url);
  hideOriginHeaders(c);
  // Nothing here touches `c.res` or `c.header()`: Hono's `c.text()` answers as it would
  // without the cache (`new Response(text)`, typed by the runtime), and where the runtime
  // hides that type (Bun) it is put back, as the runtime sends it.
  const restoreType = await watchHiddenTextType(c);
  request.handlerRan = true;
  const preset = readPresetHeaders(c);
  request.preset = preset;
  await request.next();
  const res = restoreType ? restoreType(c.res) : c.res;
  const send = (res: Response): void => replaceResponse(c, res);
  return readOriginResponse(res, ctx, send, preset, c.req.raw, takeResponsePolicy(c));
}

/** Puts `res` in place of the handler's response. */
function replaceResponse(c: Context, res: Response): void {
  // Clearing first stops Hono from merging the handler's headers back into ours.
  c.res = undefined;
  c.res = res;
}
