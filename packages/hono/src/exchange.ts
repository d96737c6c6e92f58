import type { CacheAnswer, CacheRequest, ResponseHeaders } from '@routecache/core';
import { asciiText, type HeaderRecord, hasRequestBody, originHiddenHeaders } from '@routecache/core/adapter';
import type { Context, Next } from 'hono';

/** Statuses whose responses cannot carry a body (Fetch standard "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Route parameters as the core reads them: given decoded, or read from Hono (`c.req.param()`) on first use. */
export type RouteParams = Readonly<Record<string, string>> | undefined;

/**
 * One request as the core reads it, with what its origin run needs (`context`, `next`) and
 * records (`handlerRan`, `preset`): the engine hands it back as `OriginContext.request`, so one
 * origin function serves every request and a hit allocates no closure for it. A class, not an
 * object literal: a literal with its own `get params()` gets a new hidden class per request (its
 * getter is a new closure), and V8 keeps those classes, and through them every request's objects,
 * until a full GC. On the bench's Hono L1 hit that promoted every request to the old generation
 * (seven mark-compacts per 100,000 hits, scavenges of 30-150 ms); with the getter on the
 * prototype, one hidden class serves all.
 */
export class HonoCacheRequest implements CacheRequest {
  readonly method: string;
  readonly host: string;
  readonly url: string;
  readonly requestedUrl: string | undefined;
  readonly scheme: string;
  readonly headers: (name: string) => string | undefined;
  readonly headerRecord: HeaderRecord | undefined;
  readonly hasBody: boolean;
  readonly routeLabel: string;
  /** The Hono context and the rest of its chain, for the origin run. */
  readonly context: Context;
  readonly next: Next;
  /** Set by the origin run: the handler ran for this request. */
  handlerRan = false;
  /** What middleware before the cache had set when the handler ran: kept on what is sent. */
  preset: ResponseHeaders | undefined = undefined;
  #params: RouteParams;

  constructor(c: Context, next: Next, route: string, params: RouteParams) {
    const raw = c.req.raw;
    const url = raw.url;
    const method = raw.method;
    const routed = c.req.path;
    let parts = lastUrlParts;
    if (parts.url !== url || parts.routed !== routed) {
      parts = readUrlParts(url, routed);
      lastUrlParts = parts;
    }
    this.method = method;
    this.host = parts.host;
    this.url = parts.pathAndQuery;
    this.requestedUrl = parts.requestedUrl;
    this.scheme = parts.scheme;
    const incoming = incomingHeaders(c);
    // `c.req.raw.headers` is only read when the core asks for a header the record cannot give:
    // on @hono/node-server reading it builds the lazy `Headers`, and makes the record inexact.
    const get = (name: string): string | undefined => raw.headers.get(name) ?? undefined;
    this.headers = get;
    this.headerRecord = incoming !== undefined && headersUnread(raw) ? incoming : undefined;
    // RFC 9112 §6.3: whether a body follows is the incoming message's own framing, so on
    // @hono/node-server it is read from Node's header object: two property reads instead of two
    // lookups in the lazy `Headers` (`content-length` there scans the raw headers): ~0.1 µs
    // per hit in process, 2% of the hit's CPU on a real server (bench `hono-l1-hit`).
    // A GET or HEAD `Request` never has a body (Fetch standard), so `raw.body` is only read for
    // other methods: on @hono/node-server reading it builds the full native Request (+ an
    // AbortController). With `toResponse`'s plain headers below, this took a Node cache hit
    // from about 67 to 33 µs of CPU (bench `hono-l1-hit`, same core build).
    this.hasBody =
      hasRequestBody(incoming ?? get) || (method !== 'GET' && method !== 'HEAD' && raw.body !== null);
    this.routeLabel = route;
    this.context = c;
    this.next = next;
    this.#params = params;
  }

  /** Read when a policy callback asks for them: decoding every parameter costs ~1% of a hit. */
  get params(): Readonly<Record<string, string>> {
    this.#params ??= this.context.req.param();
    return this.#params;
  }
}

/** What a request's URL (and the path Hono routed it by) gives a `HonoCacheRequest`. */
interface UrlParts {
  readonly url: string;
  readonly routed: string;
  readonly host: string;
  readonly pathAndQuery: string;
  readonly requestedUrl: string | undefined;
  readonly scheme: 'http' | 'https';
}

function readUrlParts(url: string, routed: string): UrlParts {
  const { host, pathAndQuery } = splitUrl(url);
  const requestedUrl = requestedPath(routed, pathAndQuery);
  return {
    url,
    routed,
    host,
    pathAndQuery,
    requestedUrl,
    scheme: url.startsWith('https:') ? 'https' : 'http',
  };
}

/** The parts of the last URL read: a hot route's requests repeat it, and then slice nothing. */
let lastUrlParts: UrlParts = readUrlParts('http://localhost/', '/');

/**
 * Node's own header object on @hono/node-server, while `c.req.raw` is still the server's request
 * (its lazy request class, not a `Request` a middleware built): the headers as they came off the
 * socket, which say whether a body follows.
 */
function incomingHeaders(c: Context): HeaderRecord | undefined {
  const incoming = (c.env as { incoming?: { headers?: unknown } } | undefined)?.incoming;
  const headers = incoming?.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  return Object.getPrototypeOf(c.req.raw) === Request.prototype ? undefined : (headers as HeaderRecord);
}

/**
 * The own symbol under which @hono/node-server's lazy request keeps its `Headers` once they are
 * first read, learned from the first request that had not read them yet; `null`: none found
 * (another layout), so no record is ever trusted.
 */
let headersSlot: symbol | null | undefined;

/**
 * True when nothing before the cache has read `raw.headers`, so nothing can have changed them in
 * place: Node's header object is then exactly what the handler will read (`CacheRequest.headerRecord`),
 * and the core reads it with plain property reads (the key headers, `Authorization`, the
 * validators) instead of asking the lazy `Headers`, whose every lookup of an absent or
 * non-joined name validates the name and scans the raw headers (~0.2 µs of a hit in process).
 * Once a middleware read them (to set a tenant or an Authorization for the handler, say), every
 * header is asked of `raw.headers`, as the handler will see it.
 */
function headersUnread(raw: Request): boolean {
  if (headersSlot === undefined) {
    // Learning reads the headers, so this one request asks `raw.headers` for all.
    headersSlot = findHeadersSlot(raw);
    return false;
  }
  return headersSlot !== null && (raw as unknown as Record<symbol, unknown>)[headersSlot] === undefined;
}

/**
 * The slot that holds `raw.headers` after reading it, when it did not exist before (else a
 * middleware read them first, and this request proves nothing: `undefined`, learn later).
 */
function findHeadersSlot(raw: Request): symbol | null | undefined {
  const slots = raw as unknown as Record<symbol, unknown>;
  const before = Object.getOwnPropertySymbols(raw).filter((slot) => slots[slot] !== undefined);
  const headers = raw.headers;
  for (const slot of Object.getOwnPropertySymbols(raw)) {
    if (slots[slot] === headers) return before.includes(slot) ? undefined : slot;
  }
  return null;
}

/**
 * The path Hono routed by (`c.req.path`), when it is not the request's own: a middleware before
 * the cache replaced `c.req.raw`, or the app routes by another path (`getPath`). The handler can
 * read both, so both are keyed. Hono's path is the request's, percent-decoded.
 */
function requestedPath(routed: string, pathAndQuery: string): string | undefined {
  const end = pathAndQuery.indexOf('?');
  const path = end === -1 ? pathAndQuery : pathAndQuery.slice(0, end);
  if (routed === path) return undefined;
  try {
    if (routed === decodeURI(path)) return undefined;
  } catch {
    // A malformed escape: Hono keeps such a path as it is.
  }
  return routed;
}

/**
 * Makes the handler see `url` (path and query, the unkeyed query parameters removed by the
 * core): `c.req.url`, `c.req.query()` and `c.req.queries()` all read `c.req.raw`.
 */
export function rewriteRequestUrl(c: Context, url: string): void {
  const raw = c.req.raw;
  const { origin, pathAndQuery } = splitUrl(raw.url);
  if (pathAndQuery === url) return;
  c.req.raw =
    raw.body === null
      ? new Request(origin + url, raw)
      : new Request(origin + url, {
          method: raw.method,
          headers: raw.headers,
          body: raw.body,
          signal: raw.signal,
          redirect: raw.redirect,
          duplex: 'half',
        } as RequestInit);
}

/**
 * Hides from the handler the request headers the core names for an origin run
 * (`originHiddenHeaders`: the validators on GET and HEAD), on a new `c.req.raw`; the engine
 * keeps reading the client's own.
 */
export function hideOriginHeaders(c: Context): void {
  const raw = c.req.raw;
  const hidden = originHiddenHeaders(raw.method).filter((name) => raw.headers.has(name));
  if (hidden.length === 0) return;
  const headers = new Headers(raw.headers);
  for (const name of hidden) headers.delete(name);
  // GET and HEAD requests carry no body (Fetch standard): the rest is copied as it is.
  c.req.raw = new Request(raw, { headers });
}

/** Response headers as the core takes them: lower-case names, `set-cookie` as a list. */
export function toHeaderRecord(headers: Headers): ResponseHeaders {
  const record: ResponseHeaders = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') record[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) record['set-cookie'] = cookies;
  return record;
}

/** The core's header record as `Headers`. */
export function toHeaders(record: ResponseHeaders): Headers {
  const headers = new Headers();
  for (const name in record) {
    const value = record[name]!;
    if (typeof value === 'string') headers.set(name, value);
    else for (const item of value) headers.append(name, item);
  }
  return headers;
}

/**
 * The core's answer as a `Response`. Its headers are passed as the plain record whenever every
 * value is a single string (always on hits: a stored entry has no `Set-Cookie`): with a string,
 * `Uint8Array` or `null` body, that is the shape @hono/node-server writes straight to the socket
 * (`writeHead(status, record)`); a `Headers` object would be copied header by header first.
 */
export function toResponse(answer: CacheAnswer): Response {
  let init = answerInits.get(answer);
  if (init === undefined) {
    init = buildInit(answer);
    // A frozen answer is a hit the core hands out again and again: its init is made once, when
    // it holds the answer's own frozen record (a `Headers` built here is the response's to
    // change: `c.res.headers.set()` after us would change it for every later hit).
    if (Object.isFrozen(answer) && init.headers === answer.headers)
      answerInits.set(answer, Object.freeze(init));
  }
  const bytes = init.withBody ? answer.body : null;
  return new Response(init.typed && bytes !== null ? sendableBody(bytes) : bytes, init);
}

/** A `ResponseInit` for an answer, with what `toResponse` decided about its body. */
interface AnswerInit extends ResponseInit {
  /** The status may carry a body. */
  readonly withBody: boolean;
  /** The answer has a `Content-Type`. */
  readonly typed: boolean;
}

/** The init of each frozen (reused) answer: no per-hit walk of its headers nor init object. */
const answerInits = new WeakMap<CacheAnswer, AnswerInit>();

function buildInit(answer: CacheAnswer): AnswerInit {
  const withBody = !NULL_BODY_STATUSES.has(answer.status) && answer.body !== null;
  // An answer without a Content-Type (a `stream()` body the handler sent untyped) must get the
  // one the runtime gives the handler's own response: @hono/node-server adds its default
  // (`text/plain; charset=UTF-8`) only to headers given as `Headers`, as the handler's were.
  const typed = answer.headers['content-type'] !== undefined;
  return {
    withBody,
    typed,
    status: answer.status,
    headers:
      (typed || !withBody) && !hasListValue(answer.headers)
        ? (answer.headers as Record<string, string>)
        : toHeaders(answer.headers),
  };
}

/**
 * A typed answer's body as @hono/node-server sends it fastest: as its text when it is small and
 * ASCII (the same bytes once encoded), which Node writes with the head in one `write`; bytes go
 * out as a second chunk through `writev`. A stored body keeps its text (`asciiText`'s memo), so a
 * hit does not convert it again. Only typed answers: a string body would otherwise be typed
 * `text/plain` by a Fetch `Response` on other runtimes, which bytes are not.
 */
function sendableBody(bytes: Uint8Array): string | Uint8Array {
  return asciiText(bytes) ?? (bytes as Uint8Array<ArrayBuffer>);
}

/** True when a header has several values (`set-cookie`), which a plain `HeadersInit` record cannot carry. */
function hasListValue(record: ResponseHeaders): boolean {
  for (const name in record) if (typeof record[name] !== 'string') return true;
  return false;
}

/** Origin, host and path-and-query of an absolute URL, without parsing it. */
export function splitUrl(url: string): { origin: string; host: string; pathAndQuery: string } {
  const hostStart = url.indexOf('//') + 2;
  let pathStart = url.indexOf('/', hostStart);
  if (pathStart === -1) pathStart = url.length;
  return {
    origin: url.slice(0, pathStart),
    host: url.slice(hostStart, pathStart),
    pathAndQuery: url.slice(pathStart) || '/',
  };
}
