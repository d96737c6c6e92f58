import { withoutOriginHiddenHeaders } from '@routecache/core/adapter';
import type { Application, Request, Response } from 'express';

/**
 * Prepares a request for a run of its handler as the engine's origin:
 * - the URL (`req.url`, `req.originalUrl`, and Express 4's pre-parsed `req.query`) gets the
 *   query the engine keyed on, so dropped parameters are invisible to the handler;
 * - on GET and HEAD the client's validators are hidden (the core's `originHiddenHeaders`), so
 *   the handler (Express `req.fresh`, `res.sendFile`) always produces the full response; the
 *   engine answers the 304 itself (RFC 9110 §13.2.1);
 * - Express's own ETag (`etag` setting, `res.sendFile`'s) is off: the engine computes the ETag
 *   once, when it stores the entry. A handler's explicit `ETag` header is kept.
 * - on HEAD, `res.send()` and `res.sendFile()` end with the body they would send to a GET (Express drops it for HEAD):
 *   the engine hashes it for the HEAD answer's ETag (RFC 9110 §9.3.2) and never sends it.
 *   The handler still sees `req.method === 'HEAD'`.
 */
export function prepareOriginRequest(req: Request, res: Response, url: string): void {
  rewriteQuery(req, url);
  req.headers = withoutOriginHiddenHeaders(req.method, req.headers);
  Object.defineProperty(res, 'app', { configurable: true, get: appWithoutEtag });
  const onHead = req.method === 'HEAD';
  if (onHead) {
    const send = res.send;
    res.send = function sendAsForGet(this: Response, body?: unknown) {
      return asForGet(this, () => send.call(this, body));
    } as Response['send'];
  }
  // Express 4's res.sendFile ignores the `etag` setting: turn its ETag off unless asked for.
  const sendFile = res.sendFile;
  res.sendFile = function sendFileWithoutEtag(
    this: Response,
    path: string,
    options?: unknown,
    callback?: unknown,
  ) {
    const send = () =>
      typeof options === 'function'
        ? sendFile.call(this, path, { etag: false }, options as never)
        : sendFile.call(this, path, { etag: false, ...(options as object) }, callback as never);
    return onHead ? asForGet(this, send) : send();
  } as Response['sendFile'];
}

/**
 * Runs `send` (Express's `res.send()` or `res.sendFile()`) with `res.req` seen as a GET, so that
 * on a HEAD request it ends with the GET's body: `res.send()` reads `this.req.method` once, on
 * entry, and `res.sendFile()` hands `this.req` to the `send` module, which keeps it (and skips the
 * file's bytes for a HEAD). Node never sends a body on a HEAD response.
 */
function asForGet<T>(res: Response, send: () => T): T {
  const head = res.req;
  res.req = Object.create(head, { method: { value: 'GET', enumerable: true } }) as Request;
  try {
    return send();
  } finally {
    res.req = head;
  }
}

function rewriteQuery(req: Request, url: string): void {
  const query = url.slice(queryStart(url));
  if (req.originalUrl.slice(queryStart(req.originalUrl)) === query) return;
  req.url = req.url.slice(0, queryStart(req.url)) + query;
  req.originalUrl = req.originalUrl.slice(0, queryStart(req.originalUrl)) + query;
  // Express 4 parses the query once, in its `query` middleware; Express 5 reads it from req.url.
  if (Object.hasOwn(req, 'query')) {
    const parse = req.app.get('query parser fn') as ((query: string) => unknown) | undefined;
    (req as { query: unknown }).query = parse ? parse(query.slice(1)) : {};
  }
}

function queryStart(url: string): number {
  const index = url.indexOf('?');
  return index === -1 ? url.length : index;
}

const etaglessApps = new WeakMap<Application, Application>();

/** `res.app` while capturing: the current app (sub-apps included) with its `etag` setting off. */
function appWithoutEtag(this: Response): Application {
  const app = (Object.getPrototypeOf(this) as { app: Application }).app;
  let view = etaglessApps.get(app);
  if (view === undefined) {
    const settings = Object.create(app.settings, {
      etag: { value: false, enumerable: true },
      'etag fn': { value: undefined, enumerable: true },
    });
    view = Object.create(app, { settings: { value: settings } }) as Application;
    etaglessApps.set(app, view);
  }
  return view;
}
