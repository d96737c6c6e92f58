import type { CacheAnswer, Origin, OriginContext, Policy, RouteCache } from '@routecache/core';
import type { NextFunction, Request, Response } from 'express';
import { type Capture, captureResponse, type ResponseWriter } from './capture';
import { expressRoutedUrl, toCacheRequest } from './exchange';
import { prepareOriginRequest } from './origin-request';
import { readRefreshJob, refreshInBackground } from './refresh';
import { sendAnswer } from './send-answer';

/** Serves one request under `policy`: the cache answers, or runs the rest of the chain as its origin. */
export type Serve = (
  req: Request,
  res: Response,
  next: NextFunction,
  policy: Policy,
  route: string | undefined,
  params?: Record<string, string>,
) => void;

const SERVED: unique symbol = Symbol.for('routecache.express.served');

/**
 * Creates the request flow shared by `app.use(rc)` and `rc.policy()`: build the `CacheRequest`,
 * call `cache.handle()`, send its answer. A request is served once even when it meets several
 * routecache middlewares (the first one wins); a synthetic refresh request is captured only.
 */
export function createServe(cache: RouteCache, streamTimeoutMs: number): Serve {
  const owner = {};
  const capture = (req: Request, res: Response, next: NextFunction, ctx: OriginContext): Capture => {
    prepareOriginRequest(req, res, ctx.url);
    const running = captureResponse(res, ctx, streamTimeoutMs, () => ({
      method: req.method,
      url: expressRoutedUrl(req),
    }));
    next();
    return running;
  };

  return function serve(req, res, next, policy, route, params) {
    const job = readRefreshJob(req);
    if (job !== undefined && job.owner === owner && !job.claimed) {
      job.claimed = true;
      job.resolve(capture(req, res, next, job.ctx).result);
      return;
    }
    const marked = req as Request & { [SERVED]?: true };
    if (marked[SERVED] || job !== undefined) {
      next();
      return;
    }
    marked[SERVED] = true;

    let running: Capture | undefined;
    const origin: Origin = (ctx) => {
      running = capture(req, res, next, ctx);
      return running.result;
    };
    const refresh: Origin = (ctx) => refreshInBackground(req, ctx, owner);
    const answer = cache.handle(toCacheRequest(req, route, params), policy, origin, { refresh });
    // A hit in an in-process store is answered at once: sent in this tick, no promise.
    if (!(answer instanceof Promise)) send(res, answer, undefined);
    else
      answer.then(
        (answer) => send(res, answer, running?.writer),
        () => fallBack(res, next, running),
      );
  };
}

/** The engine failed (it should not): send what the handler produced, or run the handler uncached. */
function fallBack(res: Response, next: NextFunction, running: Capture | undefined): void {
  if (running === undefined) {
    next();
    return;
  }
  running.result.then(
    ({ status, headers, body }) => {
      if (body !== null) send(res, { status, headers, body, sent: false }, running.writer);
    },
    () => {},
  );
}

function send(res: Response, answer: CacheAnswer, writer: ResponseWriter | undefined): void {
  try {
    sendAnswer(res, answer, writer);
  } catch {
    res.destroy(); // e.g. a header value Node refuses: never an unhandled rejection
  }
}
