/** The L2 floor: an Express route doing one raw ioredis `GET` of the document and sending it (ETag off). */
import express from 'express';
import { connectRedis, listenNode } from '../src/serve.mjs';
import { BODY, REDIS_BODY_KEY } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
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
  const app = express();
  app.set('etag', false);
  app.get('/redis', async (_req, res) => {
    res.type('application/json').send(await client.getBuffer(REDIS_BODY_KEY));
  });
  const listening = await listenNode(app, port);
  return {
    close: async () => {
      await listening.close();
      client.disconnect();
    },
  };
}
