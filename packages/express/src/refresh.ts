import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { OriginContext, OriginResponse } from '@routecache/core';
import { CONDITIONAL_REQUEST_HEADERS } from '@routecache/core/adapter';
import type { Application, Request } from 'express';

/** A background refresh travelling through the app on a synthetic request. */
export interface RefreshJob {
  /** The middleware instance that started it; only that one claims it. */
  readonly owner: object;
  readonly ctx: OriginContext;
  claimed: boolean;
  resolve(response: OriginResponse | Promise<OriginResponse>): void;
  reject(error: unknown): void;
}

const REFRESH_JOB: unique symbol = Symbol.for('routecache.express.refreshJob');

/** The refresh job a synthetic request carries, if `req` is one. */
export function readRefreshJob(req: Request): RefreshJob | undefined {
  return (req as Request & { [REFRESH_JOB]?: RefreshJob })[REFRESH_JOB];
}

/**
 * Re-runs `req`'s route in the background: a synthetic request with the same method, headers
 * (minus validators) and the engine's URL is dispatched through the top-level app, onto a
 * response with no socket, so nothing reaches any client. The routecache middleware that
 * started the job recognises it and runs the rest of the chain in capture-only mode.
 * Rejects when the request is answered or dropped before reaching that middleware.
 */
export function refreshInBackground(
  req: Request,
  ctx: OriginContext,
  owner: object,
): Promise<OriginResponse> {
  let app = req.app as Application & { parent?: Application };
  while (app.parent !== undefined) app = app.parent as Application & { parent?: Application };
  const socket = new Socket();
  // Middleware that reads the peer (req.ip, req.secure) sees the original client's.
  Object.defineProperties(socket, {
    remoteAddress: { value: req.socket.remoteAddress },
    encrypted: { value: (req.socket as { encrypted?: boolean }).encrypted },
  });
  const synthetic = new IncomingMessage(socket);
  synthetic.method = req.method;
  synthetic.url = ctx.url;
  // A refresh must produce the full representation: no conditional or range header (core's list).
  const headers = { ...req.headers };
  for (const name of CONDITIONAL_REQUEST_HEADERS) delete headers[name];
  synthetic.headers = headers;
  synthetic.push(null);
  const response = new ServerResponse(synthetic);

  return new Promise<OriginResponse>((resolve, reject) => {
    const job: RefreshJob = { owner, ctx, claimed: false, resolve, reject };
    (synthetic as IncomingMessage & { [REFRESH_JOB]?: RefreshJob })[REFRESH_JOB] = job;
    const end = response.end;
    response.end = function end_(this: ServerResponse, ...args: unknown[]) {
      if (!job.claimed) reject(new Error('The refresh request was answered before it reached routeCache'));
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['end'];
    const handle = (
      app as unknown as { handle: (q: unknown, s: unknown, done: (e?: unknown) => void) => void }
    ).handle;
    handle.call(app, synthetic, response, (error) => {
      if (!job.claimed) reject(error ?? new Error('The refresh request did not reach routeCache'));
    });
  });
}
