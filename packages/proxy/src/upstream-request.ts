import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

/** Why the upstream could not answer: `502` (refused, reset, bad answer) or `504` (timed out). */
export class UpstreamError extends Error {
  readonly code: 'E_UPSTREAM_UNAVAILABLE' | 'E_UPSTREAM_TIMEOUT';
  /** The status the proxy answers with (RFC 9110 §15.6.3 502, §15.6.5 504). */
  readonly status: 502 | 504;
  constructor(status: 502 | 504, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
    this.status = status;
    this.code = status === 504 ? 'E_UPSTREAM_TIMEOUT' : 'E_UPSTREAM_UNAVAILABLE';
  }
}

/** One request to the upstream. */
export interface UpstreamRequest {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  /** The client's request body, streamed through (unsafe methods), or `undefined`. */
  readonly body: Readable | undefined;
  /** Longest wait for the upstream's response head, and longest silence while reading its body, ms. */
  readonly timeoutMs: number;
}

/**
 * Sends `req` to `upstream` (an `http:` or `https:` origin) and resolves with the response as
 * soon as its head arrives; the body is read by the caller. Rejects with `UpstreamError` (502
 * when the connection fails or the answer is malformed, 504 when no head arrives within
 * `timeoutMs`). A body that stalls for `timeoutMs` later is destroyed with a 504 `UpstreamError`.
 */
export function sendUpstream(upstream: URL, req: UpstreamRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send({
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
      port: upstream.port || undefined,
      method: req.method,
      path: joinPath(upstream.pathname, req.path),
      headers: req.headers,
      timeout: req.timeoutMs,
    });
    let answered = false;
    outgoing.on('timeout', () => {
      const error = new UpstreamError(504, `upstream did not answer within ${req.timeoutMs} ms`);
      outgoing.destroy(error);
    });
    outgoing.on('error', (error) => {
      if (answered) return;
      reject(
        error instanceof UpstreamError ? error : new UpstreamError(502, error.message, { cause: error }),
      );
    });
    outgoing.on('response', (response) => {
      answered = true;
      // The socket timeout keeps running while the body is read: a stalled body ends as an error.
      // An error once the declared body is complete (bytes after it on the connection) is the
      // connection's, not the response's: the socket is dropped, the response stands.
      outgoing.on('error', (error) => {
        if (!response.complete) response.destroy(error);
      });
      resolve(response);
    });
    if (req.body === undefined) outgoing.end();
    else {
      req.body.on('error', (error) => outgoing.destroy(error));
      req.body.pipe(outgoing);
    }
  });
}

/** The upstream's base path (without a trailing slash) before the request's path. */
function joinPath(base: string, path: string): string {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  return prefix + (path.startsWith('/') ? path : `/${path}`);
}
