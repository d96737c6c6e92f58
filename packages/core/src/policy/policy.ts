import { PolicyError } from '../errors';
import { MAX_DELTA_SECONDS, TOKEN } from '../http/grammar';
import type { Duration, ETagMode, Policy, PolicyInput, PolicySource, RequestInfo, Scope } from '../types';
import { MAX_DURATION_SECONDS, parseDuration } from './duration';

/**
 * Statuses stored by default: the heuristically cacheable final statuses of RFC 9110 §15.1
 * (RFC 9111 §4.2.2) minus 206 (partial content is never stored) and minus 404/405/410/414/501,
 * which are errors here (404/410 are stored only with `negativeTtl`).
 */
export const CACHEABLE_STATUS_CODES: readonly number[] = Object.freeze([200, 203, 204, 300, 301, 308]);

/** Statuses stored only when the policy sets `negativeTtl`. */
export const NEGATIVE_STATUS_CODES: readonly number[] = Object.freeze([404, 410]);

/**
 * Query parameters dropped from keys (and from the URL the handler sees) by default: click and
 * campaign identifiers that never change a response. A trailing `*` matches a prefix.
 */
export const TRACKING_PARAMETERS: readonly string[] = Object.freeze([
  'utm_*',
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'gclsrc',
  'msclkid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  'yclid',
  'igshid',
  'twclid',
  'li_fat_id',
  'ttclid',
  'epik',
  'rdt_cid',
  'irclickid',
  'srsltid',
  '_hsenc',
  '_hsmi',
  '__hssc',
  '__hstc',
  '__hsfp',
  'hsctatracking',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  '_kx',
  's_cid',
  'ref_src',
]);

/** Longest tag, in bytes (tags are ASCII, so characters). */
export const MAX_TAG_LENGTH: number = 128;

const POLICY_FIELDS = [
  'from',
  'scope',
  'maxAge',
  'sMaxAge',
  'cdnMaxAge',
  'staleWhileRevalidate',
  'staleIfError',
  'immutable',
  'mustRevalidate',
  'noCache',
  'ttl',
  'tags',
  'vary',
  'query',
  'identify',
  'etag',
  'negativeTtl',
  'shareAuthenticated',
  'statuses',
] as const satisfies readonly (keyof PolicyInput)[];

type Field = (typeof POLICY_FIELDS)[number];

/** Fields a `from: 'response'` policy may set: the key, the route's own tags, the ETag. */
const RESPONSE_SOURCE_FIELDS = ['from', 'vary', 'query', 'tags', 'etag'] as const;

const SOURCES: readonly PolicySource[] = ['route', 'response'];

/** Fields only a public policy may set: they speak to shared caches. */
const PUBLIC_ONLY_FIELDS = ['sMaxAge', 'cdnMaxAge', 'tags'] as const;

const SCOPES: readonly Scope[] = ['public', 'private', 'no-store'];
const QUERY_FIELDS = ['include', 'exclude'] as const;

/** A tag: visible ASCII without commas (Cache-Tag separator); no space (Surrogate-Key separator). */
const TAG = /^[\x21-\x2b\x2d-\x7e]+$/;

/**
 * Validates and normalises a route's cache policy.
 *
 * Durations become whole seconds; `ttl` defaults to `sMaxAge ?? maxAge ?? 0` (`maxAge ?? 0` for
 * `private`); `vary` is lower-cased and deduplicated; duplicate tags are dropped; `query.exclude`
 * defaults to `TRACKING_PARAMETERS`. The result is frozen.
 *
 * `defaults` (the cache-wide `defaults` option) apply first and route fields override them. A
 * default that cannot apply to the route's scope is left out rather than reported: on a
 * `'no-store'` route no default applies, on a `'private'` route the public-only defaults
 * (`sMaxAge`, `cdnMaxAge`, `tags`) do not. The same fields written on the route itself throw.
 *
 * @throws PolicyError naming the field: unknown fields (with a suggestion for typos), negative,
 * non-finite or too long durations, `sMaxAge`/`cdnMaxAge`/`tags` on a private or no-store policy,
 * anything but `scope` on no-store, invalid tags, `vary: ['*']`, bad `query`/`etag`/`statuses`.
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2
 * @example
 * const policy = definePolicy({ maxAge: 60, sMaxAge: '1h', staleWhileRevalidate: '5m', tags: ['products'] });
 */
export function definePolicy(input: PolicyInput, defaults?: Partial<PolicyInput>): Policy {
  const route = readFields(input, '');
  const base = defaults === undefined ? {} : readFields(defaults, ' (in defaults)');
  // Every default must be valid on its own, even when this route does not use it.
  normalizeFields(base, ' (in defaults)');

  if (parseSource(resolveSource(route, base)) === 'response') return defineResponsePolicy(route, base);
  const scope = parseScope(route.scope ?? base.scope ?? 'public');
  if (scope === 'no-store') {
    for (const field of Object.keys(route) as Field[]) {
      if (field !== 'scope' && field !== 'from')
        throw new PolicyError(field, 'not allowed with scope "no-store" (only scope may be set)');
    }
    return buildPolicy('no-store', normalizeFields({}, ''));
  }
  let merged: Partial<Record<Field, unknown>>;
  if (scope === 'private') {
    for (const field of PUBLIC_ONLY_FIELDS) {
      if (field in route)
        throw new PolicyError(field, 'not allowed with scope "private" (shared caches only)');
    }
    merged = { ...base, ...route };
    for (const field of PUBLIC_ONLY_FIELDS) delete merged[field];
  } else {
    merged = { ...base, ...route };
  }
  return buildPolicy(scope, normalizeFields(merged, ''));
}

/**
 * `input` with `defaults` under it as one input, read as `definePolicy(input, defaults)` reads
 * them: for a route that ends up `from: 'response'`, only the defaults such a route may have;
 * otherwise the defaults' fields under the route's, with the resolved `from` when either says
 * one. For a cache whose own `defaults` then apply underneath (an adapter given a `cache`).
 */
export function layerDefaults(input: PolicyInput, defaults: Partial<PolicyInput>): PolicyInput {
  const route = readFields(input, '');
  const base = readFields(defaults, ' (in defaults)');
  const from = resolveSource(route, base);
  if (from === 'response') {
    const layered: Partial<Record<Field, unknown>> = {};
    for (const field of RESPONSE_SOURCE_FIELDS) {
      const value = route[field] ?? base[field];
      if (value !== undefined) layered[field] = value;
    }
    return layered as PolicyInput;
  }
  // Neither says `from`: the plain spread every adapter used before `from` existed.
  if (route.from === undefined && base.from === undefined) return { ...defaults, ...input };
  const { from: _ignored, ...rest } = base;
  return { ...rest, ...route, from } as PolicyInput;
}

/** The source a route resolves to: its own `from`, else `'route'` when it declares its own storage, else the default's. */
function resolveSource(
  route: Partial<Record<Field, unknown>>,
  base: Partial<Record<Field, unknown>>,
): unknown {
  return route.from ?? (declaresOwnStorage(route) ? 'route' : (base.from ?? 'route'));
}

/** True when a route names a field of its own storage (scope, a lifetime…): it keeps `from: 'route'`. */
function declaresOwnStorage(route: Partial<Record<Field, unknown>>): boolean {
  return Object.keys(route).some((field) => !(RESPONSE_SOURCE_FIELDS as readonly string[]).includes(field));
}

/**
 * A `from: 'response'` policy: public (a shared cache), key fields, tags and `etag` (default
 * `false`) from the route or the defaults; the rest comes from each response.
 */
function defineResponsePolicy(
  route: Partial<Record<Field, unknown>>,
  base: Partial<Record<Field, unknown>>,
): Policy {
  for (const field of Object.keys(route)) {
    if (!(RESPONSE_SOURCE_FIELDS as readonly string[]).includes(field))
      throw new PolicyError(
        field,
        `comes from the response with from: 'response' (only ${RESPONSE_SOURCE_FIELDS.slice(1).join(', ')} may be set)`,
      );
  }
  const merged: Partial<Record<Field, unknown>> = {};
  for (const field of RESPONSE_SOURCE_FIELDS) {
    const value = route[field] ?? base[field];
    if (value !== undefined) merged[field] = value;
  }
  merged.etag ??= false;
  return buildPolicy('public', normalizeFields(merged, ''), 'response');
}

function parseSource(value: unknown, where = ''): PolicySource {
  if (!SOURCES.includes(value as PolicySource))
    throw new PolicyError('from', `must be 'route' or 'response', got ${show(value)}${where}`);
  return value as PolicySource;
}

/**
 * A request-time list of tags (a `tags` function's result, `invalidate()`'s, `getOrSet`'s) as
 * headers, stores and CDNs carry them: each tag encoded by `encodeTag`, deduplicated, in order.
 * Encoding is the same everywhere, so `invalidate({ tags: ['product:café'] })` reaches the
 * entries a `(req) => ['product:' + req.params.name]` tagged. Tags that cannot be kept (not
 * strings, empty, over 128 bytes once encoded) are dropped, never thrown, and counted in
 * `dropped`: a request must not fail over a tag, but its answer should not be stored without one.
 */
export function normalizeTags(tags: readonly string[]): string[] {
  return encodeTags(tags).tags;
}

/** `normalizeTags()` with the number of tags it could not keep. */
export function encodeTags(tags: readonly string[]): { tags: string[]; dropped: number } {
  if (!Array.isArray(tags)) return { tags: [], dropped: 0 };
  const kept = new Set<string>();
  let dropped = 0;
  for (const tag of tags) {
    const encoded = encodeTag(tag);
    if (encoded === undefined) dropped++;
    else kept.add(encoded);
  }
  return { tags: [...kept], dropped };
}

/**
 * A tag as `Surrogate-Key` and `Cache-Tag` can carry it: every character outside visible ASCII,
 * and the separators space and comma, percent-encoded as UTF-8 (`café` → `caf%C3%A9`, `a b` →
 * `a%20b`); `undefined` when it is not a string, is empty or is over 128 bytes once encoded. A
 * `%` is kept as it is: a tag already written encoded means the same tag.
 */
export function encodeTag(tag: unknown): string | undefined {
  if (typeof tag !== 'string' || tag === '') return undefined;
  const encoded = TAG.test(tag) ? tag : tag.replace(/[^\x21-\x2b\x2d-\x7e]+/gu, encodeURIComponentSafe);
  return encoded.length <= MAX_TAG_LENGTH ? encoded : undefined;
}

/** `encodeURIComponent`, with a lone surrogate (which it throws on) as U+FFFD. */
function encodeURIComponentSafe(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** True when `tag` can be sent in `Surrogate-Key` and `Cache-Tag`: 1–128 visible ASCII characters, no comma. */
export function isValidTag(tag: unknown): tag is string {
  return typeof tag === 'string' && tag.length <= MAX_TAG_LENGTH && TAG.test(tag);
}

type Normalized = {
  maxAge: number | undefined;
  sMaxAge: number | undefined;
  cdnMaxAge: number | undefined;
  staleWhileRevalidate: number;
  staleIfError: number;
  immutable: boolean;
  mustRevalidate: boolean;
  noCache: boolean;
  ttl: number | undefined;
  tags: readonly string[] | ((req: RequestInfo) => readonly string[]);
  vary: readonly string[];
  query: Policy['query'];
  identify: Policy['identify'];
  etag: ETagMode;
  negativeTtl: number;
  shareAuthenticated: boolean;
  extraStatuses: readonly number[];
};

function buildPolicy(scope: Scope, fields: Normalized, from: PolicySource = 'route'): Policy {
  const defaultTtl = scope === 'private' ? fields.maxAge : (fields.sMaxAge ?? fields.maxAge);
  const statuses = new Set<number>([...CACHEABLE_STATUS_CODES, ...fields.extraStatuses]);
  if (fields.negativeTtl > 0) for (const status of NEGATIVE_STATUS_CODES) statuses.add(status);
  return Object.freeze({
    from,
    scope,
    maxAge: fields.maxAge,
    sMaxAge: fields.sMaxAge,
    cdnMaxAge: fields.cdnMaxAge,
    staleWhileRevalidate: fields.staleWhileRevalidate,
    staleIfError: fields.staleIfError,
    immutable: fields.immutable,
    mustRevalidate: fields.mustRevalidate,
    noCache: fields.noCache,
    // A derived ttl (a year-long max-age) is capped to what the server cache keeps.
    ttl: scope === 'no-store' ? 0 : (fields.ttl ?? Math.min(defaultTtl ?? 0, MAX_DURATION_SECONDS)),
    tags: fields.tags,
    vary: fields.vary,
    query: fields.query,
    identify: fields.identify,
    etag: fields.etag,
    negativeTtl: fields.negativeTtl,
    shareAuthenticated: fields.shareAuthenticated,
    statuses: freezeSet(statuses),
  });
}

/** Reads the defined fields of a policy object, rejecting unknown ones. */
function readFields(input: unknown, where: string): Partial<Record<Field, unknown>> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PolicyError('policy', `must be an object${where}`);
  }
  const fields: Partial<Record<Field, unknown>> = {};
  for (const [name, value] of Object.entries(input)) {
    if (!(POLICY_FIELDS as readonly string[]).includes(name)) {
      const suggestion = suggest(name, POLICY_FIELDS);
      throw new PolicyError(
        name,
        `unknown field${where}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known fields: ${POLICY_FIELDS.join(', ')}`,
      );
    }
    if (value !== undefined) fields[name as Field] = value;
  }
  return fields;
}

function normalizeFields(fields: Partial<Record<Field, unknown>>, where: string): Normalized {
  const duration = (field: Field, max?: number): number | undefined =>
    fields[field] === undefined ? undefined : parseDurationIn(fields[field], field, where, max);
  if (fields.scope !== undefined) parseScope(fields.scope, where);
  if (fields.from !== undefined) parseSource(fields.from, where);
  return {
    // Header-only lifetimes may be as long as delta-seconds allow (RFC 9111 §1.2.2), e.g. a
    // year for immutable assets; server-side durations stay within what a timer can hold.
    maxAge: duration('maxAge', MAX_DELTA_SECONDS),
    sMaxAge: duration('sMaxAge', MAX_DELTA_SECONDS),
    cdnMaxAge: duration('cdnMaxAge', MAX_DELTA_SECONDS),
    staleWhileRevalidate: duration('staleWhileRevalidate') ?? 0,
    staleIfError: duration('staleIfError') ?? 0,
    immutable: parseBoolean(fields.immutable, 'immutable', where),
    mustRevalidate: parseBoolean(fields.mustRevalidate, 'mustRevalidate', where),
    noCache: parseBoolean(fields.noCache, 'noCache', where),
    ttl: duration('ttl'),
    tags: parseTags(fields.tags, where),
    vary: parseVary(fields.vary, where),
    query: parseQuery(fields.query, where),
    identify: parseIdentify(fields.identify, where),
    etag: parseEtag(fields.etag, where),
    negativeTtl: duration('negativeTtl') ?? 0,
    shareAuthenticated: parseBoolean(fields.shareAuthenticated, 'shareAuthenticated', where),
    extraStatuses: parseStatuses(fields.statuses, where),
  };
}

function parseDurationIn(value: unknown, field: Field, where: string, max?: number): number {
  try {
    return parseDuration(value as Duration, field, max === undefined ? undefined : { max });
  } catch (error) {
    if (where && error instanceof PolicyError) {
      throw new PolicyError(field, `${error.reason}${where}`);
    }
    throw error;
  }
}

function parseScope(value: unknown, where = ''): Scope {
  if (!SCOPES.includes(value as Scope)) {
    throw new PolicyError('scope', `must be 'public', 'private' or 'no-store', got ${show(value)}${where}`);
  }
  return value as Scope;
}

function parseBoolean(value: unknown, field: Field, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new PolicyError(field, `must be true or false, got ${show(value)}${where}`);
  return value;
}

function parseTags(value: unknown, where: string): Normalized['tags'] {
  if (value === undefined) return Object.freeze([]);
  if (typeof value === 'function') return value as (req: RequestInfo) => readonly string[];
  if (!Array.isArray(value)) {
    throw new PolicyError('tags', `must be an array of strings or a function, got ${show(value)}${where}`);
  }
  const tags = new Set<string>();
  for (const tag of value) {
    if (typeof tag !== 'string')
      throw new PolicyError('tags', `every tag must be a string, got ${show(tag)}${where}`);
    if (tag.length === 0) throw new PolicyError('tags', `a tag must not be empty${where}`);
    if (/[^\x20-\x7e]/.test(tag)) {
      throw new PolicyError('tags', `tag ${JSON.stringify(tag)} has control or non-ASCII characters${where}`);
    }
    if (/[\s,]/.test(tag)) {
      throw new PolicyError(
        'tags',
        `tag ${JSON.stringify(tag)} has whitespace or a comma (tag separators)${where}`,
      );
    }
    if (tag.length > MAX_TAG_LENGTH) {
      throw new PolicyError(
        'tags',
        `tag ${JSON.stringify(`${tag.slice(0, 20)}…`)} is over ${MAX_TAG_LENGTH} bytes${where}`,
      );
    }
    tags.add(tag);
  }
  return Object.freeze([...tags]);
}

function parseVary(value: unknown, where: string): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  if (!Array.isArray(value))
    throw new PolicyError('vary', `must be an array of header names, got ${show(value)}${where}`);
  const names = new Set<string>();
  for (const name of value) {
    // RFC 9110 §12.5.5: `Vary: *` makes every request a miss; a cache policy cannot honour it.
    if (name === '*')
      throw new PolicyError('vary', `"*" is not allowed: nothing could ever be served from cache${where}`);
    if (typeof name !== 'string' || !TOKEN.test(name)) {
      throw new PolicyError('vary', `${show(name)} is not a header name${where}`);
    }
    names.add(name.toLowerCase());
  }
  return Object.freeze([...names]);
}

function parseQuery(value: unknown, where: string): Policy['query'] {
  if (value === undefined) return Object.freeze({ include: undefined, exclude: TRACKING_PARAMETERS });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyError('query', `must be an object { include?, exclude? }, got ${show(value)}${where}`);
  }
  for (const key of Object.keys(value)) {
    if (!(QUERY_FIELDS as readonly string[]).includes(key)) {
      const suggestion = suggest(key, QUERY_FIELDS);
      throw new PolicyError(
        `query.${key}`,
        `unknown field${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known fields: include, exclude${where}`,
      );
    }
  }
  const { include, exclude } = value as { include?: unknown; exclude?: unknown };
  return Object.freeze({
    include: include === undefined ? undefined : parseParameterList(include, 'query.include', where),
    exclude:
      exclude === undefined ? TRACKING_PARAMETERS : parseParameterList(exclude, 'query.exclude', where),
  });
}

function parseParameterList(value: unknown, field: string, where: string): readonly string[] {
  if (!Array.isArray(value))
    throw new PolicyError(field, `must be an array of parameter names, got ${show(value)}${where}`);
  for (const name of value) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new PolicyError(field, `every entry must be a non-empty string, got ${show(name)}${where}`);
    }
    if (name.slice(0, -1).includes('*')) {
      throw new PolicyError(
        field,
        `${JSON.stringify(name)}: "*" is only allowed at the end (a prefix)${where}`,
      );
    }
  }
  return Object.freeze([...new Set(value as string[])]);
}

function parseIdentify(value: unknown, where: string): Policy['identify'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw new PolicyError('identify', `must be a function, got ${show(value)}${where}`);
  return value as Policy['identify'];
}

function parseEtag(value: unknown, where: string): ETagMode {
  if (value === undefined) return 'weak';
  if (value !== 'weak' && value !== 'strong' && value !== false) {
    throw new PolicyError('etag', `must be 'weak', 'strong' or false, got ${show(value)}${where}`);
  }
  return value;
}

function parseStatuses(value: unknown, where: string): readonly number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new PolicyError('statuses', `must be an array of status codes, got ${show(value)}${where}`);
  for (const status of value) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      throw new PolicyError(
        'statuses',
        `${show(status)} is not an HTTP status code (integer 100-599)${where}`,
      );
    }
    if (status < 200)
      throw new PolicyError('statuses', `${status} is informational, not a final response${where}`);
    // RFC 9111 §3.4 / §4.3: partial and 304 responses complete or freshen an entry; they are never stored as one.
    if (status === 206 || status === 304)
      throw new PolicyError('statuses', `${status} responses are never stored${where}`);
    if (NEGATIVE_STATUS_CODES.includes(status)) {
      throw new PolicyError('statuses', `${status} is stored through negativeTtl, not statuses${where}`);
    }
  }
  return value as number[];
}

function freezeSet(set: Set<number>): ReadonlySet<number> {
  const refuse = (): never => {
    throw new TypeError('Policy.statuses is read-only');
  };
  Object.defineProperties(set, {
    add: { value: refuse },
    delete: { value: refuse },
    clear: { value: refuse },
  });
  return Object.freeze(set);
}

/** The known name closest to `name` (same letters in another case, or at most 2 edits away). */
function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    if (candidate.toLowerCase() === name.toLowerCase()) return candidate;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * `policy` keyed and varied on `names` too (lower-cased, appended when missing): for request
 * headers that select the answer outside the policy's own `vary` (a framework routing on them, a
 * `Vary` a route's responses taught the cache). Returns `policy` itself when it names them all.
 */
export function withVary(policy: Policy, names: readonly string[]): Policy {
  let vary: string[] | undefined;
  for (const name of names) {
    const lower = name.toLowerCase();
    if (policy.vary.includes(lower) || vary?.includes(lower)) continue;
    vary ??= [...policy.vary];
    vary.push(lower);
  }
  return vary === undefined ? policy : Object.freeze({ ...policy, vary: Object.freeze(vary) });
}
