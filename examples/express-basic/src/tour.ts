import { createETag } from '@routecache/express';
import type { Catalogue } from './catalogue.ts';

/** One step of the guided tour the server prints: a request and what it shows. */
export interface TourStep {
  readonly shows: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The miss → hit → 304 → invalidation sequence, for product 1 as the catalogue holds it now. */
export async function createTour(catalogue: Catalogue): Promise<TourStep[]> {
  const product = catalogue.find('1')!;
  // The ETag the cache will compute for the product's JSON (what res.json sends).
  const etag = await createETag(new TextEncoder().encode(JSON.stringify(product)));
  const path = '/api/products/1';
  return [
    { shows: 'a miss: the handler runs and the answer is stored', method: 'GET', path, headers: {} },
    { shows: 'a hit: served from the cache, see Age and Cache-Status', method: 'GET', path, headers: {} },
    {
      shows: 'a 304: the ETag still matches, no body',
      method: 'GET',
      path,
      headers: { 'If-None-Match': etag },
    },
    {
      shows: 'an update: invalidates the product:1 tag (run the first line again: a miss, new price)',
      method: 'POST',
      path,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ price: product.price + 100 }),
    },
  ];
}

/** The step as a copy-pasteable `curl -i` line. */
export function toCurl(baseUrl: string, step: TourStep): string {
  const parts = ['curl -i'];
  if (step.method !== 'GET') parts.push(`-X ${step.method}`);
  for (const [name, value] of Object.entries(step.headers)) parts.push(`-H '${name}: ${value}'`);
  if (step.body !== undefined) parts.push(`-d '${step.body}'`);
  parts.push(baseUrl + step.path);
  return parts.join(' ');
}
