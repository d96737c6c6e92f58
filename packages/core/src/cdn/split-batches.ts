import type { PurgeLimits } from './purger';

const encoder = new TextEncoder();

/**
 * Splits `items` into calls within a CDN's per-call limits: at most `limits.tags` (or
 * `limits.urls`) items and, when `limits.bytes` is set, at most that many bytes (each item's
 * UTF-8 length plus one separator). An item longer than `bytes` on its own gets a call of its
 * own (the CDN will say what it thinks of it). Order is kept.
 */
export function splitBatches(
  items: readonly string[],
  limits: PurgeLimits,
  kind: 'tags' | 'urls',
): string[][] {
  const maxCount = Math.max(1, limits[kind]);
  const maxBytes = limits.bytes ?? Number.POSITIVE_INFINITY;
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = encoder.encode(item).length + 1;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
