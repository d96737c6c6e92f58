import type { ResponseHeaders } from '@routecache/core';
import type { SerializingResponse } from './response-body.util';

/**
 * The part of a platform response the interceptor uses: Express's `res` (a Node
 * `ServerResponse`) and Fastify's `reply` both have these.
 */
export interface PlatformResponse extends SerializingResponse {
  statusCode: number;
  getHeaders(): Record<string, number | string | string[] | undefined>;
  getHeader(name: string): unknown;
  removeHeader(name: string): unknown;
  /** Express (`ServerResponse`). */
  setHeader?(name: string, value: string | string[]): unknown;
  status?(code: number): unknown;
  /** Fastify reply. */
  header?(name: string, value: string | string[]): unknown;
  code?(code: number): unknown;
}

/** Framing headers the platform sets for the body it sends; never stored nor replayed. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** The headers set so far (by Nest's `@Header()`, the handler or middleware), lower-case. */
export function readHeaders(res: PlatformResponse): ResponseHeaders {
  const headers: ResponseHeaders = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined || FRAMING_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return headers;
}

export function writeStatus(res: PlatformResponse, status: number): void {
  if (res.code) res.code(status);
  else res.statusCode = status;
}

/**
 * Sets the answer's headers on the response, and removes those the engine dropped from what
 * the handler set (`dropped`: names read from the response before the engine answered).
 */
export function writeHeaders(
  res: PlatformResponse,
  headers: ResponseHeaders,
  dropped?: ResponseHeaders,
): void {
  for (const name in headers) {
    if (FRAMING_HEADERS.has(name)) continue;
    const value = headers[name]!;
    if (res.header && res.raw) res.header(name, value);
    else res.setHeader?.(name, value);
  }
  if (dropped) {
    for (const name in dropped) if (!(name in headers)) res.removeHeader(name);
  }
}

/** Sets `Content-Length` itself (a framing header `writeHeaders` leaves to the platform). */
export function writeContentLength(res: PlatformResponse, length: string): void {
  if (res.header && res.raw) res.header('content-length', length);
  else res.setHeader?.('content-length', length);
}
