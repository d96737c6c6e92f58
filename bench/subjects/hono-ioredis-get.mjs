/** The L2 floor on Hono: a route doing one raw ioredis `GET` of the document and sending it. */
import { Hono } from 'hono';
import { connectRedis, listenHono } from '../src/serve.mjs';
import { BODY, REDIS_BODY_KEY } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'raw ioredis GET (L2 floor)',
  role: 'floor',
  path: '/redis',
  expectStatus: 200,
  expectBody: 'document',
  needsRedis: true,
};

export async function start({ port, redisUrl }) {
  const client = await connectRedis(redisUrl);
  await client.set(REDIS_BODY_KEY, BODY);
  const app = new Hono();
  app.get('/redis', async (c) =>
    c.body(await client.getBuffer(REDIS_BODY_KEY), 200, { 'content-type': 'application/json' }),
  );
  const listening = await listenHono(app, port);
  return {
    close: async () => {
      await listening.close();
      client.disconnect();
    },
  };
}
