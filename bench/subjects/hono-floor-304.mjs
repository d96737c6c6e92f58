/**
 * The fastest any middleware cache can answer a revalidation on Hono: a middleware that returns a
 * prebuilt 304 with the headers our 304 sends whenever the request has an `If-None-Match` (no
 * comparison), otherwise the prebuilt hit (so the runner's priming GET learns the ETag), in front
 * of the constant handler. Our 304's ratio to this is what our own code costs on a 304.
 */
import { Hono } from 'hono';
import { listenHono } from '../src/serve.mjs';
import { BODY, HIT_HEADERS, NOT_MODIFIED_HEADERS } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'prebuilt 304 from a middleware (ceiling for any middleware cache)',
  role: 'ceiling',
  path: '/r',
  conditional: true,
  expectStatus: 304,
  expectBody: 'empty',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
};

export function start({ port }) {
  const app = new Hono();
  app.get(
    '/r',
    (c) =>
      c.req.raw.headers.has('if-none-match')
        ? new Response(null, { status: 304, headers: { ...NOT_MODIFIED_HEADERS } })
        : new Response(BODY, { status: 200, headers: { ...HIT_HEADERS } }),
    (c) => c.body(BODY, 200, { 'content-type': 'application/json' }),
  );
  return listenHono(app, port);
}
