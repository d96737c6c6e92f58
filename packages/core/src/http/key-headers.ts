import type { HeaderGetter } from '../types';

/**
 * Request headers that join the shared key whenever a request carries them (the `keyHeaders`
 * cache option's default). Frameworks, proxies' conventions and apps read them to build
 * absolute URLs, pick the scheme, or rewrite the path or method (Practical Web Cache Poisoning,
 * Web Cache Entanglement, CPDoS): keyed, an attacker's value only ever reaches the attacker's
 * own entry, and a proxy in front that sets them to constants leaves the hit rate unchanged.
 *
 * Not `X-Forwarded-For` nor `Forwarded`'s `for`/`by`: they name the client and the hop, so
 * keying them would give every visitor an entry of their own.
 */
export const DEFAULT_KEY_HEADERS: readonly string[] = Object.freeze([
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-scheme',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-server',
  'x-forwarded-ssl',
  'x-host',
  'x-original-host',
  'x-original-url',
  'x-rewrite-url',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'forwarded',
]);

/** Headers whose values are paths or URLs: compared case-sensitively. */
const CASE_SENSITIVE = new Set(['x-original-url', 'x-rewrite-url', 'x-forwarded-prefix']);

/** A request's values for the key headers it carries, in list order: `[name, normalised value]`. */
export type KeyHeaderValues = readonly (readonly [string, string])[];

const NONE: KeyHeaderValues = Object.freeze([]);

/** Request headers as a plain object with lower-case names (Node's `IncomingMessage.headers`). */
export type HeaderRecord = Readonly<Record<string, string | string[] | undefined>>;

/** Each key-header list as a set, built once per list. */
const sets = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * The key headers `request` carries, normalised (trimmed; lower-cased but for paths and URLs;
 * for `Forwarded`, only its `host` and `proto` parameters), in `names` order. A header that
 * normalises to nothing (`Forwarded: for=192.0.2.1`) counts as absent. With `record` (the same
 * headers as a plain object), the request's few headers are scanned instead of asking `headers`
 * for every name: on @hono/node-server each absent name costs a validated, lower-cased lookup,
 * together ~2.8 µs of CPU per hit (measured on the Hono L1 hit, 45 → 48 µs). Never throws: a
 * throwing getter reads as absent.
 */
export function readKeyHeaders(
  headers: HeaderGetter,
  names: readonly string[],
  record?: HeaderRecord,
): KeyHeaderValues {
  if (record !== undefined) return readFromRecord(record, names);
  let values: [string, string][] | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    let raw: string | undefined;
    try {
      raw = headers(name);
    } catch {
      continue;
    }
    if (typeof raw !== 'string') continue;
    const value = normalizeKeyHeader(name, raw);
    if (value === '') continue;
    values ??= [];
    values.push([name, value]);
  }
  return values ?? NONE;
}

/** The last list looked up in `sets` and its set: a cache keys by one list (no lookup per request). */
let lastNames: readonly string[] | undefined;
let lastSet: ReadonlySet<string> = new Set();

function readFromRecord(record: HeaderRecord, names: readonly string[]): KeyHeaderValues {
  let set = names === lastNames ? lastSet : sets.get(names);
  if (set === undefined) {
    set = new Set(names);
    sets.set(names, set);
  }
  lastNames = names;
  lastSet = set;
  let values: [string, string][] | undefined;
  for (const name in record) {
    if (!set.has(name)) continue;
    const raw = record[name];
    if (raw === undefined) continue;
    const value = normalizeKeyHeader(name, Array.isArray(raw) ? raw.join(', ') : raw);
    if (value === '') continue;
    values ??= [];
    values.push([name, value]);
  }
  if (values === undefined) return NONE;
  return values.length === 1 ? values : values.sort(([a], [b]) => names.indexOf(a) - names.indexOf(b));
}

/** One key header's value as keyed (see `readKeyHeaders`). */
export function normalizeKeyHeader(name: string, value: string): string {
  if (name === 'forwarded') return forwardedHostAndProto(value);
  const trimmed = value.trim();
  return CASE_SENSITIVE.has(name) ? trimmed : trimmed.toLowerCase();
}

/**
 * RFC 7239 §4: `Forwarded: for=…;host=…;proto=…, for=…` — the `host` and `proto` pairs of every
 * element, in order, lower-cased and unquoted (`for` and `by` name the client and the hop).
 */
function forwardedHostAndProto(value: string): string {
  const kept: string[] = [];
  for (const element of value.split(',')) {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      const name = pair.slice(0, eq).trim().toLowerCase();
      if (name !== 'host' && name !== 'proto') continue;
      let parameter = pair.slice(eq + 1).trim();
      if (parameter.length >= 2 && parameter.startsWith('"') && parameter.endsWith('"'))
        parameter = parameter.slice(1, -1);
      kept.push(`${name}=${parameter.toLowerCase()}`);
    }
  }
  return kept.join(';');
}
