import { isValidTag } from '../policy/policy';

/** Store key of a `getOrSet` entry; kept apart from HTTP entries by the `data` segment. */
export function buildDataKey(namespace: string, key: string): string {
  return `${namespace}:data:${key}`;
}

/**
 * The internal tag every HTTP entry of one URL carries (`url:<host><path>`), across its query
 * and `Vary` variants, so a successful unsafe request can invalidate them all (behaviour 10,
 * RFC 9111 §4.4). It travels through the store and the bus like any tag. When the text is not
 * a valid tag (non-ASCII, too long) a hash of it is used instead.
 */
export function buildUrlTag(host: string, path: string): string {
  const tag = `url:${host.toLowerCase()}${path}`;
  return isValidTag(tag) ? tag : `url#${hashText(tag)}`;
}

/** FNV-1a, two 32-bit lanes: a short, stable, non-cryptographic digest (a collision only over-invalidates). */
function hashText(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
