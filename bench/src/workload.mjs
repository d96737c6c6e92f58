/**
 * The workload every subject serves: one ~2 KB JSON document, either precomputed (the constant
 * routes) or built by an origin handler after ~2 ms of work (a timer or a CPU-bound variant).
 * Every origin run is counted in `handlerCalls`, which the subject host reports to the runner, so
 * the runner can prove that a cached subject did not run its handler during the load.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How long an origin run works, in milliseconds. */
export const WORK_MS = 2;

/** Counts origin runs in this process. */
export const handlerCalls = { n: 0 };

/** Builds the document afresh, as a real handler would (same bytes every time). */
export function buildDocument() {
  const items = [];
  for (let i = 1; i <= 19; i++) {
    items.push({
      id: i,
      sku: `SKU-${String(i).padStart(6, '0')}`,
      name: `Product number ${i}`,
      price: Math.round(i * 1999) / 100,
      stock: (i * 37) % 101,
      tags: ['bench', i % 2 === 0 ? 'even' : 'odd'],
    });
  }
  return { page: 1, total: 19, updatedAt: '2026-01-01T00:00:00.000Z', items };
}

/** The document as the bytes every 200 answer must carry. */
export const BODY = JSON.stringify(buildDocument());
export const BODY_BYTES = Buffer.from(BODY);

/**
 * The headers a routecache hit on `rc.policy({ maxAge: 3600 })` sends with the document, for the
 * "prebuilt hit" subjects (the same bytes on the wire as our hit, without any cache logic).
 */
export const HIT_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'public, max-age=3600',
  etag: 'W/"801-g1HgrUB9qJvWI22y9qT4I7I38-0"',
  age: '0',
  'cache-status': 'routecache; hit; ttl=3600',
};

/** The headers routecache's 304 from that entry sends (RFC 9110 §15.4.5: no body, no Content-Type). */
export const NOT_MODIFIED_HEADERS = {
  'cache-control': HIT_HEADERS['cache-control'],
  etag: HIT_HEADERS.etag,
  age: HIT_HEADERS.age,
  'cache-status': HIT_HEADERS['cache-status'],
};

/** The origin handler's work, timer variant: waits ~2 ms (I/O-like), then builds the document. */
export async function originTimer() {
  handlerCalls.n++;
  await sleep(WORK_MS);
  return buildDocument();
}

/** Where the CPU-bound work writes, so the loop cannot be optimised away. */
const sink = { value: 0 };
/** The origin handler's work, CPU-bound variant: computes for ~2 ms, then builds the document. */
export function originCpu() {
  handlerCalls.n++;
  const end = performance.now() + WORK_MS;
  let i = 0;
  while (performance.now() < end) {
    for (let j = 0; j < 1000; j++) sink.value += Math.sqrt(i++ + j);
  }
  return buildDocument();
}

/** Key used in Redis by the raw-ioredis floor subject. */
export const REDIS_BODY_KEY = 'routecache-bench:body';
