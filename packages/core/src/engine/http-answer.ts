import { buildNotModifiedHeaders, isNotModified } from '../http/conditional';
import { buildCacheStatus, type CacheStatusEntry } from '../http/headers';
import type { CacheAnswer, CacheEntry, ResponseHeaders, StoredResponse } from '../types';
import { reportAnswer } from './answer-event';
import type { EngineContext } from './context';
import { getRemainingTtl } from './freshness';
import type { RequestScope } from './request-scope';
import { buildAnswerAge } from './stale-age';

/** The `Cache-Status` parameters of one answer (RFC 9211), without the cache name. */
export type AnswerStatus = Omit<CacheStatusEntry, 'cache'>;

/** The status of a fresh hit: answers with it render `Cache-Status` from a precomputed prefix. */
export const HIT_STATUS: AnswerStatus = Object.freeze({ hit: true });

/**
 * The 304 header set of each stored response, filtered on its first 304 (an L1 entry is
 * revalidated many times): no per-304 `Object.entries` walk of the stored headers. Keyed by the
 * response object, which stores share between the copies they make of an entry.
 */
const notModifiedHeaders = new WeakMap<StoredResponse, ResponseHeaders>();

/**
 * The `Cache-Status` member of fresh hits per cache name: its `<name>; hit; ttl=` prefix and the
 * last member built, reused while the ttl stays the same (a whole second for a busy entry).
 */
interface HitMember {
  readonly prefix: string;
  ttl: number;
  member: string;
}
const hitMembers = new Map<string, HitMember>();
/** The last cache name looked up in `hitMembers`, and its member: most processes have one cache. */
let lastMember: HitMember | undefined;
let lastMemberName: string | undefined;

/**
 * The last fresh-hit answers built from each stored response (200 and 304), each reused while
 * its `Age` and `Cache-Status` member stay the same (a whole second for a busy entry): such a hit
 * builds no header record and no answer object. Frozen, since those hits share them. Keyed by
 * the response object, which stores share between the copies they make of an entry.
 */
interface LastHits {
  full?: LastHit;
  notModified?: LastHit;
}
interface LastHit {
  readonly age: string;
  readonly member: string | undefined;
  readonly answer: CacheAnswer;
}
const lastHits = new WeakMap<StoredResponse, LastHits>();

/**
 * Answers from a stored entry: its headers (policy headers and ETag included at store time),
 * `Age` (RFC 9111 §5.1), `Cache-Status` with the remaining `ttl`, a 304 when the request's
 * validators match (behaviour 5: no body is hashed here), and no body for HEAD. `held`: the
 * entry is the object an in-process store holds (`peek`), so its fresh GET hits reuse their
 * answer; an entry decoded per read (Redis) would only fill the memo.
 */
export function answerFromEntry(
  context: EngineContext,
  scope: RequestScope,
  entry: CacheEntry,
  status: AnswerStatus,
  now: number = context.options.clock(),
  held = false,
): CacheAnswer {
  const response = entry.response!;
  const stored = response.headers;
  const age = buildAnswerAge(entry, response.headers, now);
  const ttl = getRemainingTtl(entry, now);
  const code = response.status;
  const notModified = isNotModifiedAnswer(context, scope, code, stored, now);
  // A fresh GET hit (the hot path): the answer of the last such hit while nothing in it changed.
  const reusable = held && status === HIT_STATUS && scope.method === 'GET';
  const member = cacheStatusMember(context, status, ttl);
  let last: LastHits | undefined;
  if (reusable) {
    last = lastHits.get(response);
    const hit = notModified ? last?.notModified : last?.full;
    if (hit !== undefined && hit.age === age && hit.member === member) {
      if (context.metrics.active) reportAnswer(context, scope, status, hit.answer, entry, now);
      return hit.answer;
    }
  }
  let answer: CacheAnswer;
  if (notModified) {
    let kept = notModifiedHeaders.get(response);
    if (kept === undefined) {
      kept = buildNotModifiedHeaders(stored);
      notModifiedHeaders.set(response, kept);
    }
    // buildNotModifiedHeaders keeps age and cache-status (the upstream one), so they are added as it would have.
    const headers: ResponseHeaders = { ...kept, age };
    addCacheStatus(headers, member);
    answer = { status: 304, headers, body: null, sent: false };
  } else {
    const headers: ResponseHeaders = { ...stored, age };
    addCacheStatus(headers, member);
    answer =
      scope.method === 'HEAD'
        ? headAnswer(code, headers, response.body)
        : { status: code, headers, body: response.body, sent: false };
  }
  if (reusable) {
    Object.freeze(answer.headers);
    Object.freeze(answer);
    if (last === undefined) {
      last = {};
      lastHits.set(response, last);
    }
    last[notModified ? 'notModified' : 'full'] = { age, member, answer };
  }
  if (context.metrics.active) reportAnswer(context, scope, status, answer, entry, now);
  return answer;
}

/**
 * A HEAD answer: no body, and the `Content-Length` of the GET's (RFC 9110 §9.3.2, §8.6), from the
 * body when there is one, else as the handler declared it. None on statuses without content.
 */
function headAnswer(status: number, headers: ResponseHeaders, body: Uint8Array | null): CacheAnswer {
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) delete headers['content-length'];
  else if (body !== null && body.byteLength > 0) headers['content-length'] = String(body.byteLength);
  return { status, headers, body: null, sent: false };
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
  const answer = answerConditionally(context, scope, result.status, headers, result.body);
  const final =
    scope.method === 'HEAD' && answer.status !== 304
      ? headAnswer(answer.status, answer.headers, answer.body)
      : answer;
  if (context.metrics.active) reportAnswer(context, scope, status, final, undefined, context.options.clock());
  return final;
}

/**
 * Adds this cache's member to `Cache-Status` (unless disabled). RFC 9211 §2: members are listed
 * in the order caches handled the response, so an upstream value (already in `headers`) comes
 * first. `ttl` (when given) is added to `status`.
 */
export function setCacheStatus(
  context: EngineContext,
  headers: ResponseHeaders,
  status: AnswerStatus,
  ttl?: number,
): void {
  addCacheStatus(headers, cacheStatusMember(context, status, ttl));
}

/** This cache's `Cache-Status` member for `status` (and `ttl`), or `undefined` when disabled. */
function cacheStatusMember(context: EngineContext, status: AnswerStatus, ttl?: number): string | undefined {
  const name = context.options.cacheStatus;
  if (name === false) return undefined;
  if (status === HIT_STATUS && ttl !== undefined && Number.isSafeInteger(ttl)) {
    // The common fresh hit: the member of the last hit with this ttl, else a concatenation. The
    // same string each time saves building it and, when Node validates the header value, the
    // flattening of a new concatenated string (~0.1 µs per hit, bench `hono-l1-hit`).
    let hit = name === lastMemberName ? lastMember : hitMembers.get(name);
    if (hit === undefined) {
      const prefix = `${buildCacheStatus({ cache: name, hit: true })}; ttl=`;
      hit = { prefix, ttl: Number.NaN, member: '' };
      hitMembers.set(name, hit);
    }
    lastMember = hit;
    lastMemberName = name;
    // `0 === -0`: both render as `ttl=0`.
    if (hit.ttl !== ttl) {
      hit.member = hit.prefix + (ttl === 0 ? 0 : ttl);
      hit.ttl = ttl;
    }
    return hit.member;
  }
  return buildCacheStatus(ttl === undefined ? { cache: name, ...status } : { cache: name, ...status, ttl });
}

/** Appends `member` after any upstream `Cache-Status` value already in `headers`. */
function addCacheStatus(headers: ResponseHeaders, member: string | undefined): void {
  if (member === undefined) return;
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
  if (isNotModifiedAnswer(context, scope, status, headers)) {
    return { status: 304, headers: buildNotModifiedHeaders(headers), body: null, sent: false };
  }
  return { status, headers, body, sent: false };
}

/**
 * True (and counted) when the request's validators match a response with these headers, so a
 * 304 answers it. RFC 9110 §15.4.5: a 304 stands for a 200-class response to GET/HEAD
 * (isNotModified checks the method).
 */
function isNotModifiedAnswer(
  context: EngineContext,
  scope: RequestScope,
  status: number,
  headers: ResponseHeaders,
  now?: number,
): boolean {
  if (status < 200 || status >= 300 || status === 206) return false;
  // The record, when the adapter has one, holds what the getter reads: plain property reads
  // instead of the getter's lookups (on @hono/node-server each is a validated, lower-cased scan).
  const request = scope.request;
  const record = request.headerRecord;
  // Most hits carry no validator: two property reads decide it, nothing is built for the comparison.
  if (
    record !== undefined &&
    record['if-none-match'] === undefined &&
    record['if-modified-since'] === undefined
  )
    return false;
  const validators = { etag: first(headers.etag), 'last-modified': first(headers['last-modified']) };
  const options = { now: now ?? context.options.clock() };
  if (!isNotModified(scope.method, record ?? request.headers, validators, options)) return false;
  context.stats.count('notModified', scope.route);
  return true;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
