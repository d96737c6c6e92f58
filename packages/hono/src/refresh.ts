import type {
  CacheRequest,
  HandleOptions,
  OriginContext,
  OriginResponse,
  PolicyInput,
  ResponseHeaders,
} from '@routecache/core';
import { CONDITIONAL_REQUEST_HEADERS } from '@routecache/core/adapter';
import type { Context, ExecutionContext } from 'hono';
import type { HonoCacheRequest } from './exchange';
import { readOriginResponse, readPresetHeaders } from './origin-response';
import { takeResponsePolicy } from './response-policy';

/** What background refreshes re-dispatch through: a Hono app (`app.fetch`). */
export interface RefreshApp {
  fetch(request: Request, env?: unknown, executionCtx?: ExecutionContext): Response | Promise<Response>;
}

/** What a refresh's handler run produced, as our middleware saw it. */
interface RefreshCapture {
  readonly res: Response;
  /** The headers middleware before the cache had set (never stored). */
  readonly preset: ResponseHeaders;
  /** The request the handler answered (`c.req.raw`, which a later middleware may replace). */
  readonly answered: Request;
  /** The handler's `setResponsePolicy()` override. */
  readonly policy: Partial<PolicyInput> | undefined;
}

/** Requests created by a refresh, mapped to the callback that receives the handler's response. */
const refreshes = new WeakMap<Request, (captured: RefreshCapture) => void>();
/** How many of those are being dispatched: while none is, no request is looked up. */
let dispatching = 0;

/**
 * When `c` is a refresh's re-dispatched request, runs the rest of the chain and hands the
 * handler's response to the refresh, returning that work's promise; otherwise returns
 * `undefined` at once (not a promise, so an ordinary request does not wait a microtask here).
 * The marker is a `WeakMap` entry, not a header, so no client can forge it.
 */
export function runAsRefresh(c: Context, next: () => Promise<void>): Promise<void> | undefined {
  if (dispatching === 0) return undefined;
  const capture = refreshes.get(c.req.raw);
  if (!capture) return undefined;
  const preset = readPresetHeaders(c);
  return next().then(() =>
    capture({ res: c.res, preset, answered: c.req.raw, policy: takeResponsePolicy(c) }),
  );
}

/**
 * The background options of every request of one `routeCache({ app })`: an `Origin` that re-runs
 * the route detached from the client (`app.fetch()` with a copy of the request, same env and
 * execution context), whose response is read by our middleware, and the platform's `waitUntil`.
 * Built once: both find the request's Hono context in what the engine hands them back, so a
 * request allocates nothing for them.
 */
export function createBackgroundOptions(app: RefreshApp): HandleOptions {
  return Object.freeze({
    refresh: async function refreshInBackground(ctx: OriginContext): Promise<OriginResponse> {
      const c = contextOf(ctx.request);
      const raw = c.req.raw;
      const executionCtx = executionCtxOf(c);
      const headers = new Headers(raw.headers);
      // It must fetch the full representation (RFC 9110 §13.1): the core names the headers to drop.
      for (const name of CONDITIONAL_REQUEST_HEADERS) headers.delete(name);
      const request = new Request(new URL(ctx.url, raw.url), { method: 'GET', headers });
      let captured: RefreshCapture | undefined;
      refreshes.set(request, (seen) => {
        captured ??= seen;
      });
      let returned: Response;
      dispatching++;
      try {
        returned = await app.fetch(request, c.env, executionCtx);
      } finally {
        dispatching--;
      }
      // Not captured: a middleware before ours answered; nothing of it can be told apart as preset.
      const { res, preset, answered, policy } = captured ?? {
        res: returned,
        preset: {},
        answered: request,
        policy: undefined,
      };
      return readOriginResponse(res, ctx, () => {}, preset, answered, policy);
    },
    // Looked up only when there is background work: on Node `c.executionCtx` throws.
    waitUntil: (promise: Promise<unknown>, request: CacheRequest) =>
      executionCtxOf(contextOf(request))?.waitUntil(promise),
  });
}

/** The Hono context of a request this adapter handed to the engine (a `HonoCacheRequest`). */
function contextOf(request: CacheRequest): Context {
  return (request as HonoCacheRequest).context;
}

/** `c.executionCtx` where the platform has one (workerd, Deno Deploy); it throws elsewhere (Node, Bun). */
export function executionCtxOf(c: Context): ExecutionContext | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
