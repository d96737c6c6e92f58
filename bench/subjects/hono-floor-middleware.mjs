/**
 * The fastest any middleware cache can answer a hit on Hono: a middleware that returns a prebuilt
 * `Response` with the body and the headers our hit sends, in the form it sends them (the body as
 * text; no lookup, no key, no logic), in front of the constant handler. Our L1 hit's ratio to this is what our own code costs; this one's
 * ratio to `hono-const` is what Hono's middleware chain and the caching headers cost.
 */
import { Hono } from 'hono';
import { listenHono } from '../src/serve.mjs';
import { BODY, HIT_HEADERS } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'prebuilt hit from a middleware (ceiling for any middleware cache)',
  role: 'ceiling',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
};

export function start({ port }) {
  const app = new Hono();
  app.get(
    '/r',
    // The body as text, as our hit sends a small ASCII body on Node (one write with the head).
    () => new Response(BODY, { status: 200, headers: { ...HIT_HEADERS } }),
    (c) => c.body(BODY, 200, { 'content-type': 'application/json' }),
  );
  return listenHono(app, port);
}
