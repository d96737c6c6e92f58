/**
 * Listening helpers shared by the subjects: every server binds 127.0.0.1 on the port the
 * runner gave, and resolves a `close()` once it listens.
 */
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';

/** Starts a Node request listener (an Express app, or a plain handler) on `port`. */
export function listenNode(listener, port) {
  const server = createServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({ server, close: () => new Promise((r) => server.close(() => r())) }),
    );
  });
}

/** Starts a Hono app on `@hono/node-server` on `port`. */
export function listenHono(app, port) {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
      resolve({ server, close: () => new Promise((r) => server.close(() => r())) }),
    );
    server.once('error', reject);
  });
}

/** Throws the "not available" error the host reports when a subject needs Redis and none runs. */
export function requireRedis(redisUrl) {
  if (!redisUrl) throw new Error('not available: no redis-server (start one or set REDIS_URL)');
  return redisUrl;
}

/** Imports a package, turning "not built / not written yet" into a clear "not available" reason. */
export async function importPackage(name) {
  try {
    return await import(name);
  } catch (error) {
    const first = String(error?.message ?? error).split('\n')[0];
    throw new Error(`not available: ${name} cannot be loaded (${first})`);
  }
}

/** A Redis client for a subject; resolves once connected. */
export async function connectRedis(redisUrl) {
  const { Redis } = await import('ioredis');
  const client = new Redis(requireRedis(redisUrl), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  return client;
}
