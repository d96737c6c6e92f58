/**
 * The fastest any middleware cache can answer a hit on Express: a middleware that sends the
 * prebuilt body with the headers our hit sends, in the form it sends them (the body as Latin-1
 * text; no lookup, no key, no logic), in front of the
 * constant handler. Our L1 hit's ratio to this is what our own code costs; this one's ratio to
 * `express-const` is what Express's middleware chain and the caching headers cost.
 */
import express from 'express';
import { listenNode } from '../src/serve.mjs';
import { BODY, BODY_BYTES, HIT_HEADERS } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'prebuilt hit from a middleware (ceiling for any middleware cache)',
  role: 'ceiling',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
};

export function start({ port }) {
  const app = express();
  app.set('etag', false);
  app.get(
    '/r',
    (_req, res) => {
      for (const name in HIT_HEADERS) res.setHeader(name, HIT_HEADERS[name]);
      res.setHeader('content-length', BODY_BYTES.byteLength);
      res.writeHead(200);
      // The body as Latin-1 text, as our hit sends a small body (one write with the head).
      res.end(BODY, 'latin1');
    },
    (_req, res) => res.type('application/json').send(BODY),
  );
  return listenNode(app, port);
}
