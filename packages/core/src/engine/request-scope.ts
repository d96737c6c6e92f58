import { buildCacheKey, filterQuery, parseRequestUrl } from '../http/key';
import { type KeyHeaderValues, readKeyHeaders } from '../http/key-headers';
import { readRequestHeader } from '../http/request-headers';
import { encodeTags } from '../policy/policy';
import type { CacheRequest, Logger, Policy, RequestInfo } from '../types';
import { createMemo, joinMemoKey, type Memo } from './memo';

/** Why a GET/HEAD request does not use the server cache, and how `Cache-Status` reports it. */
export interface Bypass {
  /** RFC 9211 §2.2: `'request'` when the request's own semantics forbid the cache, else `'bypass'`. */
  readonly fwd: 'bypass' | 'request';
  /** `Cache-Status` detail, e.g. `'authorization'`. */
  readonly detail: string;
  /**
   * The policy whose headers the answer carries. A request-driven bypass of a public route
   * (Authorization, GET with a body) gets a private version, so no shared cache downstream
   * stores what may depend on the credentials or the body (RFC 9111 §3.5).
   */
  readonly policy: Policy;
}

/** A GET/HEAD request resolved against its policy: what the engine needs at every step. */
export interface RequestScope {
  readonly method: 'GET' | 'HEAD';
  readonly route: string | undefined;
  readonly host: string;
  readonly path: string;
  /** Path plus the filtered query: what the handler sees and what the key is built from. */
  readonly url: string;
  readonly request: CacheRequest;
  readonly policy: Policy;
  /** The policy's tags for this request (validated, deduplicated). */
  readonly tags: readonly string[];
  /** Set when the request does not use the server cache. */
  readonly bypass: Bypass | undefined;
  /** Store key and full canonical key (absent on bypass). */
  readonly key: string;
  readonly canonical: string;
}

/** What a scope is resolved with besides the request and its policy: cache-wide settings. */
export interface ScopeOptions {
  readonly namespace: string;
  /** Request headers keyed whenever present (the `keyHeaders` cache option). */
  readonly keyHeaders: readonly string[];
  /** The cache's logger, already wrapped by `safeLogger` (it never throws). */
  readonly logger: Logger;
}

/**
 * Resolves a GET/HEAD request: filtered URL, tags, bypass decision (behaviour 4) and key
 * (behaviours 12 and 13: the key headers the request carries and, after a rewrite before the
 * cache, the URL it was sent with). User callbacks (`tags`, `identify`) that throw are logged
 * and treated as returning nothing: no tags, no identity (so nothing private is stored).
 */
export function resolveRequestScope(
  request: CacheRequest,
  method: 'GET' | 'HEAD',
  policy: Policy,
  options: ScopeOptions,
  memo: ScopeMemo = createScopeMemo(),
): RequestScope {
  const { namespace, logger } = options;
  const host = lowerCaseHost(request.host);
  const https = request.scheme === 'https';
  const parsed = parseUrl(request.url, policy, memo);
  const { path, query } = parsed;
  // What the policy callbacks see; built only for routes that have callbacks (and in a function
  // of its own, so a route without them allocates no closure context here).
  const getInfo =
    typeof policy.tags === 'function' || policy.identify
      ? lazyRequestInfo(request, method, host, path, query)
      : NO_INFO;

  let bypass = findRequestBypass(request, policy);
  // A privatized answer carries no tags; a no-store one has none. Declared tags need no copy.
  let tags: readonly string[] = NO_TAGS.tags;
  let dropped = false;
  if (bypass === undefined || bypass.policy.tags === policy.tags) {
    if (typeof policy.tags === 'function') ({ tags, dropped } = resolveTags(policy.tags, getInfo, logger));
    else tags = policy.tags;
  }
  // An answer missing one of its tags could never be invalidated by it: not shared at all.
  if (!bypass && dropped) bypass = { fwd: 'bypass', detail: 'invalid-tag', policy: privatize(policy) };
  let identity: string | undefined;
  if (!bypass && policy.scope === 'private') {
    identity = resolveIdentity(policy, getInfo, logger);
    if (identity === undefined) bypass = { fwd: 'bypass', detail: 'no-identity', policy };
  }
  // A `from: 'response'` route learns its lifetime from each response, never from the policy.
  if (!bypass && policy.ttl === 0 && policy.from !== 'response')
    bypass = { fwd: 'bypass', detail: 'headers-only', policy };
  let key = '';
  let canonical = '';
  if (!bypass) {
    let built: { key: string; canonical: string };
    const keyHeaders = readKeyHeaders(request.headers, options.keyHeaders, request.headerRecord);
    const requestedUrl = request.requestedUrl;
    if (
      policy.vary.length === 0 &&
      identity === undefined &&
      keyHeaders.length === 0 &&
      requestedUrl === undefined
    ) {
      // Without vary and identity the key depends on the host and URL alone: kept on the URL memo.
      if (parsed.keyHost !== host || parsed.keyHttps !== https || parsed.key === undefined) {
        parsed.key = buildKey(
          namespace,
          https,
          host,
          path,
          query,
          [],
          undefined,
          keyHeaders,
          undefined,
          memo,
        );
        parsed.keyHost = host;
        parsed.keyHttps = https;
      }
      built = parsed.key;
    } else {
      built = buildKey(
        namespace,
        https,
        host,
        path,
        query,
        readVary(request, policy),
        identity,
        keyHeaders,
        requestedUrl,
        memo,
      );
    }
    key = built.key;
    canonical = built.canonical;
  }
  return {
    method,
    route: request.routeLabel,
    host,
    path,
    url: parsed.url,
    request,
    policy,
    tags,
    bypass,
    key,
    canonical,
  };
}

/** The last host lower-cased, and what it gave: a busy server's requests name the same host. */
let lastHost: unknown = '';
let lastLowerHost = '';

/** `host` lower-cased, as keys hold it (RFC 9110 §4.2.3: the host is case-insensitive). */
function lowerCaseHost(host: unknown): string {
  if (host !== lastHost) {
    lastLowerHost = String(host ?? '').toLowerCase();
    lastHost = host;
  }
  return lastLowerHost;
}

/** The request info for the policy callbacks, built on first use. */
function lazyRequestInfo(
  request: CacheRequest,
  method: string,
  host: string,
  path: string,
  query: string,
): () => RequestInfo {
  let info: RequestInfo | undefined;
  return () => {
    info ??= new ScopeRequestInfo(request, method, host, path, query);
    return info;
  };
}

/** A route without callbacks never builds what they would see. */
const NO_INFO = (): RequestInfo => {
  throw new Error('routecache: no policy callback reads the request info');
};

/**
 * What a policy's `tags` / `identify` callbacks see. A class, not an object literal with its own
 * `get query()`: each such literal gets a new hidden class (its getter is a new closure), which V8
 * keeps, and with it the request, until a full GC.
 */
class ScopeRequestInfo implements RequestInfo {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly headers: RequestInfo['headers'];
  readonly params: Readonly<Record<string, string>>;
  readonly #query: string;
  #params: URLSearchParams | undefined;

  constructor(request: CacheRequest, method: string, host: string, path: string, query: string) {
    this.method = method;
    this.host = host;
    this.path = path;
    this.headers = request.headers;
    this.params = request.params ?? {};
    this.#query = query;
  }

  /** Built on first use: most callbacks never read it. */
  get query(): URLSearchParams {
    this.#params ??= new URLSearchParams(this.#query);
    return this.#params;
  }
}

/** The policy's `vary` headers with this request's values (`undefined` when absent). */
function readVary(request: CacheRequest, policy: Policy): [string, string | undefined][] {
  const vary: [string, string | undefined][] = [];
  for (const name of policy.vary) vary.push([name, readRequestHeader(request.headers, name)]);
  return vary;
}

/** Per-cache memos of the pure steps (query filtering per policy, key building). */
export interface ScopeMemo {
  readonly urls: Memo<ParsedUrl>;
  readonly keys: Memo<{ key: string; canonical: string }>;
}

/** Entries per memo, and the longest input memoised: bounds memory to a few MiB per cache. */
const MEMO_SIZE = 5_000;
const MEMO_MAX_INPUT = 256;

export function createScopeMemo(): ScopeMemo {
  return { urls: createMemo(MEMO_SIZE), keys: createMemo(MEMO_SIZE) };
}

/** A request URL resolved under one policy's `query` rules. */
export interface ParsedUrl {
  /** The `policy.query` rules it was filtered with: valid for those only. */
  readonly rules: object;
  readonly path: string;
  /** The filtered, canonical query: `''` or `?…`. */
  readonly query: string;
  /** `path + query`. */
  readonly url: string;
  /** The key for `keyHost` and `keyHttps` when the policy has no `vary` and the request no identity, set on first use. */
  keyHost?: string;
  keyHttps?: boolean;
  key?: { key: string; canonical: string };
}

/**
 * Path and filtered, canonical query (behaviour 4), memoised by the raw URL alone: no memo key
 * is built per request, and the key hangs off the same record (together about 0.5 µs per hit on
 * the Express benchmark). A URL met under other `query` rules is recomputed and replaces it.
 */
function parseUrl(url: string, policy: Policy, memo: ScopeMemo): ParsedUrl {
  const text = String(url);
  const known = memo.urls.get(text);
  if (known !== undefined && known.rules === policy.query) return known;
  const { path, search } = parseRequestUrl(text);
  const filtered = filterQuery(search, policy.query).search;
  const query = filtered === '' || filtered.startsWith('?') ? filtered : `?${filtered}`;
  const parsed: ParsedUrl = { rules: policy.query, path, query, url: path + query };
  if (text.length <= MEMO_MAX_INPUT) memo.urls.set(text, parsed);
  return parsed;
}

function buildKey(
  namespace: string,
  https: boolean,
  host: string,
  path: string,
  query: string,
  vary: [string, string | undefined][],
  identity: string | undefined,
  keyHeaders: KeyHeaderValues,
  requestedUrl: string | undefined,
  memo: ScopeMemo,
): { key: string; canonical: string } {
  const parts: (string | undefined)[] = [
    https ? 'https' : 'http',
    host,
    path,
    query,
    identity,
    requestedUrl,
    String(vary.length),
  ];
  for (const [name, value] of vary) parts.push(name, value);
  for (const [name, value] of keyHeaders) parts.push(name, value);
  const memoKey = joinMemoKey(parts);
  const known = memo.keys.get(memoKey);
  if (known) return known;
  const built = buildCacheKey({
    namespace,
    method: 'GET',
    ...(https ? { scheme: 'https' } : {}),
    host,
    path,
    search: query,
    vary,
    ...(identity === undefined ? {} : { identity }),
    ...(keyHeaders.length === 0 ? {} : { keyHeaders }),
    ...(requestedUrl === undefined ? {} : { requestedUrl }),
  });
  if (memoKey.length <= MEMO_MAX_INPUT * 2) memo.keys.set(memoKey, built);
  return built;
}

function findRequestBypass(request: CacheRequest, policy: Policy): Bypass | undefined {
  if (policy.scope === 'no-store') return { fwd: 'bypass', detail: 'no-store', policy };
  // A GET with a body: the body is not in the key, so an entry could answer another body.
  if (request.hasBody) return { fwd: 'request', detail: 'request-body', policy: privatize(policy) };
  // Behaviour 4: Authorization bypasses shared entries; a private entry is per identity anyway.
  // A `from: 'response'` route follows RFC 9111 §3.5 instead: the response decides (public,
  // s-maxage or must-revalidate), like any shared cache.
  if (policy.scope !== 'public' || policy.from === 'response' || policy.shareAuthenticated) return undefined;
  // The record, when the adapter has one, holds what the getter reads: one property read.
  const record = request.headerRecord;
  const authorization =
    record !== undefined ? record.authorization : readRequestHeader(request.headers, 'authorization');
  if (authorization !== undefined) {
    return { fwd: 'request', detail: 'authorization', policy: privatize(policy) };
  }
  return undefined;
}

/** The route's policy for browsers only: `private`, no shared-cache lifetimes, no tags. */
function privatize(policy: Policy): Policy {
  if (policy.scope !== 'public') return policy;
  let derived = privatized.get(policy);
  if (derived === undefined) {
    derived = Object.freeze({
      ...policy,
      scope: 'private',
      sMaxAge: undefined,
      cdnMaxAge: undefined,
      tags: Object.freeze([]),
    });
    privatized.set(policy, derived);
  }
  return derived;
}

/** Each public policy's private version, derived once (policies are frozen and shared). */
const privatized = new WeakMap<Policy, Policy>();

interface ResolvedTags {
  readonly tags: readonly string[];
  /** True when the tags function gave a tag that cannot be kept (logged). */
  readonly dropped: boolean;
}

const NO_TAGS: ResolvedTags = { tags: [], dropped: false };

function resolveTags(
  tagsOf: (info: RequestInfo) => readonly string[],
  info: () => RequestInfo,
  logger: Logger,
): ResolvedTags {
  let computed: readonly string[];
  try {
    computed = tagsOf(info());
  } catch (error) {
    report(logger, 'the policy tags function threw; no tags used', error);
    return NO_TAGS;
  }
  const { tags, dropped } = encodeTags(computed);
  if (dropped > 0) {
    logger.warn(
      'routecache: the policy tags function gave a tag that cannot be kept (not a string, empty, or over 128 bytes once encoded): the answer is not stored',
      { tags: computed },
    );
  }
  return { tags, dropped: dropped > 0 };
}

function resolveIdentity(policy: Policy, info: () => RequestInfo, logger: Logger): string | undefined {
  if (!policy.identify) return undefined;
  try {
    const identity = policy.identify(info());
    return typeof identity === 'string' && identity !== '' ? identity : undefined;
  } catch (error) {
    report(logger, 'the policy identify function threw; nothing private stored', error);
    return undefined;
  }
}

function report(logger: Logger, message: string, error: unknown): void {
  logger.error(`routecache: ${message}`, { error });
}
