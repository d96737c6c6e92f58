import { buildNotModifiedHeaders, isNotModified } from '../conditional';
import { buildAgeHeader, buildCacheStatus, type CacheStatusEntry } from '../headers';
import type { CacheAnswer, CacheEntry, ResponseHeaders } from '../types';
import type { EngineContext } from './context';
import { getRemainingTtl } from './freshness';
import type { RequestScope } from './request-scope';

/** The `Cache-Status` parameters of one answer (RFC 9211), without the cache name. */
export type AnswerStatus = Omit<CacheStatusEntry, 'cache'>;

/**
 * Answers from a stored entry: its headers (policy headers and ETag included at store time),
 * `Age` (RFC 9111 §5.1), `Cache-Status` with the remaining `ttl`, a 304 when the request's
 * validators match (behaviour 5: no body is hashed here), and no body for HEAD.
 */
export function answerFromEntry(
  context: EngineContext,
  scope: RequestScope,
  entry: CacheEntry,
  status: AnswerStatus,
): CacheAnswer {
  const response = entry.response!;
  const now = context.options.clock();
  const headers: ResponseHeaders = { ...response.headers, age: buildAgeHeader(entry.storedAt, now) };
  setCacheStatus(context, headers, { ...status, ttl: getRemainingTtl(entry, now) });
  return answerConditionally(
    context,
    scope,
    response.status,
    headers,
    scope.method === 'HEAD' ? null : response.body,
  );
}

/** Answers an origin result that is not (or not yet) an entry: `Cache-Status` and conditional evaluation. */
export function answerFromOrigin(
  context: EngineContext,
  scope: RequestScope,
  result: { status: number; headers: ResponseHeaders; body: Uint8Array | null },
  status: AnswerStatus,
): CacheAnswer {
  const headers: ResponseHeaders = { ...result.headers };
  setCacheStatus(context, headers, status);
  return answerConditionally(context, scope, result.status, headers, result.body);
}

/**
 * Adds this cache's member to `Cache-Status` (unless disabled). RFC 9211 §2: members are listed
 * in the order caches handled the response, so an upstream value comes first.
 */
export function setCacheStatus(context: EngineContext, headers: ResponseHeaders, status: AnswerStatus): void {
  const name = context.options.cacheStatus;
  if (name === false) return;
  const member = buildCacheStatus({ cache: name, ...status });
  const upstream = headers['cache-status'];
  const previous = Array.isArray(upstream) ? upstream.join(', ') : upstream;
  headers['cache-status'] = previous ? `${previous}, ${member}` : member;
}

function answerConditionally(
  context: EngineContext,
  scope: RequestScope,
  status: number,
  headers: ResponseHeaders,
  body: Uint8Array | null,
): CacheAnswer {
  // RFC 9110 §15.4.5: a 304 stands for a 200-class response to GET/HEAD (isNotModified checks the method).
  if (status >= 200 && status < 300 && status !== 206) {
    const validators = { etag: first(headers.etag), 'last-modified': first(headers['last-modified']) };
    if (isNotModified(scope.method, scope.request.headers, validators, { now: context.options.clock() })) {
      context.stats.count('notModified', scope.route);
      return { status: 304, headers: buildNotModifiedHeaders(headers), body: null, sent: false };
    }
  }
  return { status, headers, body, sent: false };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
