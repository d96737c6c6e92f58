import { createETag } from '../http/conditional';
import { MAX_DELTA_SECONDS, TOKEN } from '../http/grammar';
import { parseRequestUrl } from '../http/key';
import { readRequestHeader } from '../http/request-headers';
import { getStoreDecision } from '../http/store-decision';
import { NEGATIVE_STATUS_CODES, normalizeTags } from '../policy/policy';
import { applyPolicyHeaders } from '../policy/policy-headers';
import { mergeResponsePolicy } from '../policy/policy-override';
import { buildValidationHeaders, isSelectedForUpdate, updateStoredHeaders } from '../rfc9111/validation';
import { buildEntryTimes } from '../stores/entry-times';
import type {
  CacheEntry,
  Origin,
  OriginContext,
  OriginResponse,
  Policy,
  ResponseHeaders,
  StoredResponse,
} from '../types';
import { markEntryBody } from '../util/entry-bodies';
import type { EngineContext } from './context';
import { capByHandlerHeaders } from './handler-freshness';
import { type AnswerStatus, setCacheStatus } from './http-answer';
import { buildUrlTag } from './internal-keys';
import type { RequestScope } from './request-scope';
import {
  buildPassThroughHeaders,
  decideResponseSource,
  type EntryTimes,
  hasValidator,
} from './response-source';

/** What one origin run produced, with the entry to store when the response is cacheable. */
export type OriginResult =
  | {
      readonly sent: false;
      readonly status: number;
      /** Final headers: policy headers, ETag; no `Age`/`Cache-Status` yet. */
      readonly headers: ResponseHeaders;
      readonly body: Uint8Array;
      /** Set when the response may be stored (GET, cacheable, fits `maxBodyBytes`, TTL > 0). */
      readonly entry: CacheEntry | undefined;
      /** Why there is no entry (for logs), e.g. `'set-cookie'`, `'too-large'`. */
      readonly reason: string | undefined;
      /** With reason `'vary-unkeyed'`: the `Vary` headers the policy does not key on. */
      readonly unkeyedVary?: readonly string[];
      /** The scope `entry` belongs to: the request's, or the one `rescope` gave for a learned `Vary`. */
      readonly scope: RequestScope;
      /** When the run started (cache clock): the race guard's `notBefore`. */
      readonly startedAt: number;
      /** True when the origin answered 304 to a validation and the stored entry was freshened (RFC 9111 §4.3.4). */
      readonly validated?: boolean;
    }
  | {
      /** The adapter streamed the response through itself (too large, endless). */
      readonly sent: true;
      readonly status: number;
      readonly headers: ResponseHeaders;
      readonly startedAt: number;
    };

export interface OriginRunOptions {
  /** The policy whose headers the response gets (a bypass may privatize it). */
  policy: Policy;
  /**
   * The scope to store a response under when it varies on request headers its policy does not
   * key on (behaviour 14): the request re-resolved once its route learned them, or `undefined`
   * when the route cannot learn more. Without it such a response is not stored.
   */
  rescope?: (unkeyedVary: readonly string[]) => RequestScope | undefined;
  /** Whether the result may become an entry (GET through the cache). */
  canStore: boolean;
  /** True for background refreshes. */
  background: boolean;
  /** `Cache-Status` for a response the adapter sends itself. */
  status: AnswerStatus;
  /**
   * A stored entry to validate (`from: 'response'` routes, RFC 9111 §4.3): the origin gets its
   * validators (`OriginContext.validators`), and a 304 that selects it (§4.3.4) freshens it.
   */
  validate?: CacheEntry | undefined;
}

/** RFC 9111 §3.1: connection-specific fields are never stored. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Runs the origin with the filtered URL (behaviour 4), then applies the policy headers
 * (behaviour 3), computes the ETag once (behaviour 5), and decides whether the response can be
 * stored (behaviour 2). Origin rejections propagate.
 */
export async function runOrigin(
  context: EngineContext,
  scope: RequestScope,
  origin: Origin,
  options: OriginRunOptions,
): Promise<OriginResult> {
  const { clock, maxBodyBytes } = context.options;
  const fromResponse = options.policy.from === 'response';
  // A response the adapter streams itself gets its head from the same function as a buffered
  // one: the handler's override and a rewritten request apply to both.
  const finalizeHeaders: OriginContext['finalizeHeaders'] = (status, headers, response) => {
    const final = buildHead(context, scope, options, { status, headers, ...response }).headers;
    setCacheStatus(context, final, options.status);
    return final;
  };
  const stored = fromResponse ? options.validate?.response : undefined;
  const validators = stored ? buildValidationHeaders(stored.headers) : undefined;
  const ctx: OriginContext = {
    request: scope.request,
    url: scope.url,
    maxBodyBytes,
    finalizeHeaders,
    background: options.background,
    ...(validators && Object.keys(validators).length > 0 ? { validators } : {}),
  };
  // Race guard (behaviour 8): the write is dropped if a tag is invalidated from this instant on.
  const startedAt = clock();
  let response = await origin(ctx);
  if (
    stored !== undefined &&
    ctx.validators !== undefined &&
    response.status === 304 &&
    response.body !== null
  ) {
    // RFC 9111 §4.3.3/§4.3.4: a 304 to the validators of the one stored response validates it;
    // one that names another representation does not, and a 304 must not reach a client that
    // did not ask for one: the full response is fetched instead.
    if (!hasValidator(response.headers) || isSelectedForUpdate(stored.headers, response.headers)) {
      return finishRun(context, scope, options, freshenStored(stored, response), startedAt, true);
    }
    response = await origin({ ...ctx, validators: undefined });
  }
  return finishRun(context, scope, options, response, startedAt, false);
}

/** The rest of `runOrigin` once the origin answered: policy, headers, ETag, the store decision. */
async function finishRun(
  context: EngineContext,
  scope: RequestScope,
  options: OriginRunOptions,
  response: OriginResponse,
  startedAt: number,
  validated: boolean,
): Promise<OriginResult> {
  const { clock, maxBodyBytes } = context.options;
  const fromResponse = options.policy.from === 'response';
  if (response.body === null) {
    return { sent: true, status: response.status, headers: response.headers, startedAt };
  }
  const { status } = response;
  const body = response.body;
  const head = buildHead(context, scope, options, response);
  const { policy, rewritten, headers } = head;
  let { tags } = head;
  if (shouldCreateETag(scope, policy, status, headers, body)) {
    try {
      headers.etag = await createETag(body, policy.etag === 'strong' ? 'strong' : 'weak');
    } catch (error) {
      context.options.logger.warn('routecache: could not compute an ETag', { error });
    }
  }

  let reason: string | undefined;
  let unkeyedVary: string[] | undefined;
  let entryScope = scope;
  let times: EntryTimes | undefined;
  if (!options.canStore) reason = scope.method === 'HEAD' ? 'head' : 'bypass';
  else if (rewritten) reason = 'rewritten';
  else if (response.preset?.['set-cookie'] !== undefined) reason = 'set-cookie';
  else {
    const decision = fromResponse
      ? decideResponseSource(
          tags,
          response,
          {
            authorization: readRequestHeader(scope.request.headers, 'authorization') !== undefined,
            requestTime: startedAt,
            responseTime: clock(),
          },
          context.options.targeted,
        )
      : getStoreDecision(policy, status, response.headers, 'GET');
    if (!decision.store) reason = decision.reason;
    else {
      if ('times' in decision) {
        times = decision.times;
        tags = decision.tags;
      }
      unkeyedVary = findUnkeyedVary(headers, policy);
      if (unkeyedVary.length > 0) {
        // Behaviour 14: stored at once under the key that names those headers, when the route can learn them.
        const learned = options.rescope?.(unkeyedVary);
        if (learned !== undefined && !learned.bypass && findUnkeyedVary(headers, learned.policy).length === 0)
          entryScope = learned;
        else reason = 'vary-unkeyed';
      }
      if (reason === undefined && body.byteLength > maxBodyBytes) reason = 'too-large';
      if (!fromResponse) {
        // The handler's own Cache-Control may be stricter than the route's policy: the shorter wins.
        times = capByHandlerHeaders(
          policyTimes(policy, status),
          status,
          response.headers,
          startedAt,
          clock(),
        );
        if (
          reason === undefined &&
          !(times.ttl > 0) &&
          !(times.staleWhileRevalidate > 0) &&
          !(times.staleIfError > 0)
        )
          reason = 'stale';
      }
    }
  }
  const entry =
    reason === undefined
      ? buildEntry(
          entryScope,
          times ?? policyTimes(policy, status),
          tags,
          status,
          headers,
          body,
          clock(),
          startedAt,
        )
      : undefined;
  return {
    sent: false,
    status,
    headers,
    body,
    entry,
    reason,
    ...(reason === 'vary-unkeyed' ? { unkeyedVary } : {}),
    scope: entryScope,
    startedAt,
    ...(validated ? { validated } : {}),
  };
}

/** The policy an origin's response is answered under, its tags and its headers (no `Cache-Status`). */
interface ResponseHead {
  readonly policy: Policy;
  readonly tags: readonly string[];
  readonly headers: ResponseHeaders;
  /** The handler answered another method or URL than the one keyed. */
  readonly rewritten: boolean;
}

/**
 * The one place a response's head is built, for a buffered response and for one the adapter
 * streams itself: the handler's override for this response (adapters' `setResponsePolicy`) is
 * merged over the route's policy, an answer to a rewritten request is made private, then the
 * policy headers are applied. A `from: 'response'` route passes the handler's headers through.
 */
function buildHead(
  context: EngineContext,
  scope: RequestScope,
  options: OriginRunOptions,
  response: Pick<OriginResponse, 'status' | 'headers' | 'policy' | 'served'>,
): ResponseHead {
  const { tagHeader, targetedCacheControl } = context.options;
  // Behaviour 13: an answer to another method or URL than the keyed one (a middleware after the
  // cache rewrote the request) goes to this client only.
  const rewritten = !servesKeyedRequest(scope, response.served);
  if (options.policy.from === 'response') {
    const { policy } = options;
    return {
      policy,
      tags: scope.tags,
      headers: buildPassThroughHeaders(policy, response.headers),
      rewritten,
    };
  }
  const policy = rewritten
    ? privateAnswerPolicy(options.policy)
    : mergeResponsePolicy(options.policy, response.policy);
  const tags = policy === options.policy ? scope.tags : overriddenTags(policy, scope.tags);
  const headers = applyPolicyHeaders(policy, response.status, response.headers, tags, {
    tagHeader,
    targetedCacheControl,
  });
  return { policy, tags, headers, rewritten };
}

/**
 * The stored response with its header fields updated by a 304 (RFC 9111 §3.2, §4.3.4), as the
 * origin's response of this run: the stored status and body. The stored `Age` is dropped first:
 * it was the entry's age when stored, and the 304 is a new response whose own `Age` (if any)
 * counts from now.
 */
function freshenStored(stored: StoredResponse, notModified: OriginResponse): OriginResponse {
  const { age: _age, ...kept } = stored.headers;
  return {
    ...notModified,
    status: stored.status,
    headers: updateStoredHeaders(kept, notModified.headers),
    body: stored.body,
  };
}

/**
 * False when the handler answered another method or URL than the one keyed: `served` (as the
 * adapter read it when the handler answered) is compared with the scope's method and its URL
 * (path and filtered query, which the adapter gave the handler).
 */
function servesKeyedRequest(scope: RequestScope, served: OriginResponse['served']): boolean {
  if (served === undefined) return true;
  if (String(served.method).toUpperCase() !== scope.method) return false;
  const { path, search } = parseRequestUrl(String(served.url));
  return path + search === scope.url;
}

/** A public route's answer for this one client: private, no shared lifetimes or tags, not stored. */
function privateAnswerPolicy(policy: Policy): Policy {
  return policy.scope === 'public' ? mergeResponsePolicy(policy, { scope: 'private' }) : policy;
}

function shouldCreateETag(
  scope: RequestScope,
  policy: Policy,
  status: number,
  headers: ResponseHeaders,
  body: Uint8Array,
): boolean {
  // RFC 9110 §9.3.2: a HEAD answer carries the GET's header fields, its validator included. The
  // adapters hand over the body the GET would send (the handler ran as for a GET); a HEAD run
  // without one (a handler that only set Content-Length) has nothing to hash.
  if (policy.etag === false || policy.scope === 'no-store') return false;
  if (scope.method === 'HEAD' && body.byteLength === 0) return false;
  // 204/206 have no full representation.
  if (status < 200 || status >= 300 || status === 204 || status === 206) return false;
  return headers.etag === undefined;
}

/**
 * The request headers the response varies on that the policy does not key on: such a response
 * would answer requests it does not match, so it is not stored (RFC 9111 §4.1).
 */
function findUnkeyedVary(headers: ResponseHeaders, policy: Policy): string[] {
  const vary = headers.vary;
  if (vary === undefined) return [];
  const names = (Array.isArray(vary) ? vary.join(',') : vary)
    .split(',')
    .map((name) => name.trim().toLowerCase());
  // A member that is not a field name (RFC 9110 §12.5.5) names no request header: never keyed on.
  return names.filter(
    (name, i) => name !== '' && TOKEN.test(name) && !policy.vary.includes(name) && names.indexOf(name) === i,
  );
}

/** A route policy's server-side times for `status`. */
function policyTimes(policy: Policy, status: number): EntryTimes {
  return {
    ttl: NEGATIVE_STATUS_CODES.includes(status) ? policy.negativeTtl : policy.ttl,
    staleWhileRevalidate: policy.staleWhileRevalidate,
    staleIfError: policy.staleIfError,
  };
}

/** Tags after an override: its own list when it gives one (normalized), none when privatized. */
function overriddenTags(policy: Policy, routeTags: readonly string[]): readonly string[] {
  if (policy.scope !== 'public') return [];
  return Array.isArray(policy.tags) ? normalizeTags(policy.tags as readonly string[]) : routeTags;
}

function buildEntry(
  scope: RequestScope,
  times: EntryTimes,
  tags: readonly string[],
  status: number,
  headers: ResponseHeaders,
  body: Uint8Array,
  now: number,
  startedAt: number,
): CacheEntry {
  const stored: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) stored[name] = value;
  // The stored `Age` is the entry's age when stored (RFC 9111 §4.2.3 corrected initial age):
  // answers add the time since (`buildAnswerAge`). A route policy's entries start at 0.
  if (times.initialAge === undefined) delete stored.age;
  else stored.age = String(Math.min(Math.floor(times.initialAge), MAX_DELTA_SECONDS));
  // A body that is a view into a larger buffer (Node's 8 KiB pool for small Buffers, a
  // framework's chunk) would keep the whole buffer alive as long as the entry: keep its own bytes.
  const own = body.byteLength === body.buffer.byteLength ? body : body.slice();
  // Its send text may be kept while the entry lives (adapter/body-text.ts).
  markEntryBody(own);
  return {
    key: scope.canonical,
    ...buildEntryTimes(now, times.ttl, times, times.retain),
    tags: [...tags, buildUrlTag(scope.host, scope.path)],
    response: { status, headers: stored, body: own },
    computeMs: now - startedAt,
  };
}
