/**
 * The fastest any Redis-backed middleware cache can answer an L2 hit on Hono: a middleware that
 * reads the body with one raw ioredis `GET` and returns it with the headers our hit sends, in the
 * form it sends them (text; no key, no entry format, no logic), in front of the constant handler.
 * `hono-ioredis-get` (the L2 target's floor) answers from the route itself with one header; this
 * one pays, besides the round trip, what `hono-floor-middleware` pays over `hono-const` (the
 * middleware position and the caching headers), so our L2 hit's ratio to it is what our own code
 * costs on an L2 hit.
 */
import { Hono } from 'hono';
import { connectRedis, listenHono } from '../src/serve.mjs';
import { BODY, HIT_HEADERS, REDIS_BODY_KEY } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'raw ioredis GET from a middleware with our hit headers (L2 ceiling)',
  role: 'ceiling',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  needsRedis: true,
};

export async function start({ port, redisUrl }) {
  const client = await connectRedis(redisUrl);
  await client.set(REDIS_BODY_KEY, BODY);
  const app = new Hono();
  app.get(
    '/r',
    async () => new Response(await client.get(REDIS_BODY_KEY), { status: 200, headers: { ...HIT_HEADERS } }),
    (c) => c.body(BODY, 200, { 'content-type': 'application/json' }),
  );
  const listening = await listenHono(app, port);
  return {
    close: async () => {
      await listening.close();
      client.disconnect();
    },
  };
}
