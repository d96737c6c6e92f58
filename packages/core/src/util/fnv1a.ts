/**
 * FNV-1a over UTF-16 code units, 32 bits: a stable, fast, non-cryptographic hash, the same in
 * every instance and runtime (Redis Cluster bucket choice, span correlation ids).
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `fnv1a(text)` as 8 hex digits. */
export function fnv1aHex(text: string): string {
  return fnv1a(text).toString(16).padStart(8, '0');
}
