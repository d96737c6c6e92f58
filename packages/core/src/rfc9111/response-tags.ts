/**
 * Tags a response names for itself, for a shared cache's invalidation: `Surrogate-Key`
 * (space-separated; Fastly, Varnish xkey) and `Cache-Tag` (comma-separated; Cloudflare, Akamai).
 */
import { encodeTags } from '../policy/policy';
import type { ResponseHeaders } from '../types';
import { readField } from './fields';

/**
 * The response's tags from `Surrogate-Key` and `Cache-Tag`, encoded as every other tag
 * (`normalizeTags()`), deduplicated, `Surrogate-Key`'s first. Tags that cannot be kept (over
 * 128 bytes once encoded) are counted in `dropped`. Header names may be in any case.
 */
export function readResponseTags(headers: ResponseHeaders): { tags: string[]; dropped: number } {
  const surrogate = readField(headers, 'surrogate-key')?.split(/[\s,]+/) ?? [];
  const cacheTag = readField(headers, 'cache-tag')?.split(',') ?? [];
  const names = [...surrogate, ...cacheTag].map((tag) => tag.trim()).filter((tag) => tag !== '');
  return encodeTags(names);
}
