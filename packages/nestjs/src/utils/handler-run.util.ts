import { type CallHandler, HttpException, StreamableFile } from '@nestjs/common';
import type { CacheAnswer, OriginContext, OriginResponse, ResponseHeaders } from '@routecache/core';
import { lastValueFrom } from 'rxjs';
import { takeResponsePolicy } from '../response-policy';
import { servedUrl } from './cache-request.util';
import type { Exchange } from './exchange.util';
import { type ResponseHead, readHandlerResult, readNegativeError } from './handler-result.util';
import { hideOriginHeaders } from './platform-request.util';
import { readHeaders, writeHeaders } from './platform-response.util';
import { captureReply, isPlainResult, sameHeaders } from './reply-capture.util';
import { rewriteRequestUrl } from './request-url.util';
import { type RouteMetadata, staticResponseHead } from './route-metadata.util';

/** What a handler run needs from the interceptor that started it. */
export interface HandlerRunHooks {
  /** Writes an answer on the response; returns the value Nest's reply sends. */
  send(answer: CacheAnswer): unknown;
  /** The route's results are known to reach Nest's reply untouched by outer interceptors. */
  untouched(): boolean;
  /** What the reply got: `changed` when outer interceptors changed the result or the headers. */
  reached(changed: boolean): void;
}

/**
 * The engine's origin for a Nest route: runs the handler (through the inner interceptors and
 * pipes), lets the outer interceptors map a plain result up to Nest's reply (`captureReply()`),
 * and reads what the platform would send: status, headers (without those middleware preset)
 * and the serialized body, or a body streamed through.
 */
export async function runHandler(
  exchange: Exchange,
  next: CallHandler,
  ctx: OriginContext,
  hooks: HandlerRunHooks,
): Promise<OriginResponse> {
  const { req, res, route } = exchange;
  const { background } = ctx;
  if (ctx.url !== exchange.request.url) rewriteRequestUrl(req, ctx.url);
  hideOriginHeaders(req);
  const preset = background ? undefined : presetHeaders(readHeaders(res), route);
  // Detached from the response, a run sees the status and headers Nest sets before handlers.
  const readHead = (): ResponseHead =>
    background
      ? staticResponseHead(route, exchange.request.method)
      : { status: res.statusCode, headers: withoutPreset(readHeaders(res), preset) };
  let value: unknown;
  // Only what this run's handler sets counts (a refresh runs it again on the same response).
  takeResponsePolicy(res);
  try {
    value = await lastValueFrom(next.handle(), { defaultValue: undefined });
  } catch (error) {
    const policy = takeResponsePolicy(res);
    const negative = readNegativeError(error, exchange.policy.statuses, readHead().headers, res);
    if (negative) return { ...negative, ...(policy && { policy }) };
    // The exception filters send the error; the engine decides its caching headers.
    const status = error instanceof HttpException ? error.getStatus() : 500;
    if (!background) writeHeaders(res, ctx.finalizeHeaders(status, readHeaders(res), { policy }));
    throw error;
  }
  const policy = takeResponsePolicy(res);
  if (!background && exchange.hooked && isPlainResult(value, route)) {
    const before = readHeaders(res);
    const replied = await captureReply(res, exchange, value, {
      answer: hooks.send,
      failed: (status) => writeHeaders(res, ctx.finalizeHeaders(status, readHeaders(res), { policy })),
      untouched: hooks.untouched(),
    });
    hooks.reached(replied !== value || !sameHeaders(before, readHeaders(res)));
    value = replied;
  }
  const head = readHead();
  if (!background) exchange.handlerHeaders = head.headers;
  const result = await readHandlerResult(value, head, route, res, ctx.maxBodyBytes);
  // The request as the handler answered it: a later interceptor may have changed it.
  const served = { method: req.method, url: servedUrl(req) };
  if (result.buffered)
    return { ...result.response, served, ...(preset && { preset }), ...(policy && { policy }) };
  return streamThrough(
    exchange,
    ctx,
    { status: result.status, headers: result.headers, served, policy },
    result.value,
  );
}

/**
 * A body the cache cannot buffer (over `maxBodyBytes`, or a stream): in the foreground its
 * final headers go on the response and Nest streams it; a background run drops it.
 */
function streamThrough(
  exchange: Exchange,
  ctx: OriginContext,
  head: Omit<OriginResponse, 'body'>,
  value: unknown,
): OriginResponse {
  if (ctx.background) {
    const stream = value instanceof StreamableFile ? value.getStream() : value;
    (stream as { destroy?: () => void }).destroy?.();
  } else {
    writeHeaders(exchange.res, ctx.finalizeHeaders(head.status, head.headers, head), exchange.handlerHeaders);
    exchange.streamed = { value };
  }
  return { status: head.status, headers: head.headers, body: null };
}

/**
 * The headers on the response before the handler ran that middleware set: all of them but
 * the route's own `@Header()`s, which Nest sets before interceptors and which are its answer.
 */
function presetHeaders(headers: ResponseHeaders, route: RouteMetadata): ResponseHeaders | undefined {
  let preset: ResponseHeaders | undefined;
  for (const name in headers) {
    if (route.headers.some((header) => header.name === name)) continue;
    preset ??= {};
    preset[name] = headers[name]!;
  }
  return preset;
}

/** `headers` without those still equal to what was preset. */
function withoutPreset(headers: ResponseHeaders, preset: ResponseHeaders | undefined): ResponseHeaders {
  if (preset === undefined) return headers;
  for (const name in preset) {
    const value = headers[name];
    if (value !== undefined && String(value) === String(preset[name])) delete headers[name];
  }
  return headers;
}
