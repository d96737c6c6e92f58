/**
 * RFC 9110 §7.6.1: connection-specific header fields, which a proxy removes before forwarding a
 * message (in either direction).
 */

/** Header fields that are always connection-specific (RFC 9110 §7.6.1), lower-case. */
export const HOP_BY_HOP_HEADERS: readonly string[] = Object.freeze([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
]);

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The names a message's `Connection` field lists (RFC 9110 §7.6.1: each is a field of this
 * connection only), lower-cased.
 */
export function readConnectionOptions(headers: Headers): string[] {
  const value = headers.connection;
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/**
 * A copy of `headers` (lower-case names, as Node gives them) without the hop-by-hop fields:
 * `HOP_BY_HOP_HEADERS` and those `Connection` names (RFC 9110 §7.6.1 "a proxy MUST ... remove
 * ... the Connection header field itself" and "each connection option").
 */
export function removeHopByHop(headers: Headers): Record<string, string | string[]> {
  const drop = new Set([...HOP_BY_HOP_HEADERS, ...readConnectionOptions(headers)]);
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || drop.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}
