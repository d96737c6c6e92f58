import { HttpException, StreamableFile } from '@nestjs/common';
import { NEGATIVE_STATUS_CODES, type OriginResponse, type ResponseHeaders } from '@routecache/core';
import {
  isStreamingValue,
  readStreamableFile,
  type SerializingResponse,
  serializeBody,
  streamableHeaders,
} from './response-body.util';
import type { RouteMetadata } from './route-metadata.util';

/** Status and headers of a response before its body: set by Nest, middleware and the handler. */
export interface ResponseHead {
  status: number;
  headers: ResponseHeaders;
}

/** A handler's result: buffered for the engine, or a body to stream through (too large, a stream). */
export type HandlerResult =
  | { readonly buffered: true; readonly response: OriginResponse }
  | {
      readonly buffered: false;
      readonly status: number;
      readonly headers: ResponseHeaders;
      readonly value: unknown;
    };

/** Reads what the platform would send for `value` into a response the engine can store. */
export async function readHandlerResult(
  value: unknown,
  head: ResponseHead,
  route: RouteMetadata,
  res: SerializingResponse,
  maxBodyBytes: number,
): Promise<HandlerResult> {
  if (route.redirect) {
    // Nest sends `@Redirect()` routes itself, from the handler's `{ url, statusCode }`.
    const target = value as { url?: string; statusCode?: number } | undefined;
    const location = target?.url ?? route.redirect.url;
    const status = target?.statusCode ?? route.redirect.statusCode ?? 302;
    return {
      buffered: true,
      response: { status, headers: { ...head.headers, location }, body: new Uint8Array(0) },
    };
  }
  if (value instanceof StreamableFile) {
    const headers = { ...streamableHeaders(value), ...head.headers };
    const read = await readStreamableFile(value, maxBodyBytes);
    if (read.complete) return { buffered: true, response: { status: head.status, headers, body: read.body } };
    return { buffered: false, status: head.status, headers, value: read.file };
  }
  if (isStreamingValue(value)) {
    // A web `Response` carries its own status.
    const status = (value as { status?: unknown }).status;
    return {
      buffered: false,
      status: typeof status === 'number' ? status : head.status,
      headers: head.headers,
      value,
    };
  }
  const { body, contentType } = serializeBody(value, res, head.status);
  const headers =
    contentType && head.headers['content-type'] === undefined
      ? { ...head.headers, 'content-type': contentType }
      : head.headers;
  return { buffered: true, response: { status: head.status, headers, body } };
}

/**
 * A thrown 404/410 the policy keeps (`negativeTtl`), as the response Nest's default exception
 * filter sends (`{ statusCode, message, error }`), so that it can be stored. `undefined` for
 * every other error: those go to the exception filters.
 */
export function readNegativeError(
  error: unknown,
  statuses: ReadonlySet<number>,
  headers: ResponseHeaders,
  res: SerializingResponse,
): OriginResponse | undefined {
  if (!(error instanceof HttpException)) return undefined;
  const status = error.getStatus();
  if (!NEGATIVE_STATUS_CODES.includes(status) || !statuses.has(status)) return undefined;
  const response = error.getResponse();
  const body = typeof response === 'object' ? response : { statusCode: status, message: response };
  const serialized = serializeBody(body, res, status);
  return { status, headers: { ...headers, 'content-type': serialized.contentType! }, body: serialized.body };
}
