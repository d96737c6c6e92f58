/**
 * The headers of a captured response: which ones the middleware chain set (stored), which were
 * already on `res` before (the request's own, never stored), and writing them back.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ResponseHeaders } from '@routecache/core';

/** The headers the chain set or changed since `before`; `res` is put back to `before` for the answer. */
export function takeHeaders(res: ServerResponse, before: OutgoingHttpHeaders): ResponseHeaders {
  const headers: ResponseHeaders = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined || sameValue(value, before[name])) continue;
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
    if (before[name] === undefined) res.removeHeader(name);
    else res.setHeader(name, before[name]);
  }
  return headers;
}

/**
 * The headers set before the capture began that the chain left as they were (read before
 * `takeHeaders` puts `res` back): the request's own, never stored.
 */
export function presetHeaders(res: ServerResponse, before: OutgoingHttpHeaders): ResponseHeaders | undefined {
  let preset: ResponseHeaders | undefined;
  for (const [name, value] of Object.entries(before)) {
    if (value === undefined || !sameValue(value, res.getHeader(name))) continue;
    preset ??= {};
    preset[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return preset;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

export function setHeaders(res: ServerResponse, headers: unknown): void {
  if (Array.isArray(headers)) {
    // Node also accepts a flat [name, value, name, value…] list.
    for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(String(headers[i]), headers[i + 1]);
  } else if (headers !== null && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  }
}

export function contentType(res: ServerResponse): string | undefined {
  const value = res.getHeader('content-type');
  return value === undefined ? undefined : String(value);
}
