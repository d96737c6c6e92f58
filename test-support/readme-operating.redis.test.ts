/**
 * The README's "Operating" code, run as written: the block fenced as
 * "```ts readme-test=operating" is copied into `examples/express-redis/` (its imports resolve as
 * a user's would), with `app.listen(3000)` swapped for an export and `REDIS_URL` pointing at the
 * harness's standalone Redis. Its warm call runs at import, through the app.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, closeClients, connect, redisTopology } from './redis-harness';

const ROOT = join(import.meta.dirname, '..');
const env: NodeJS.ProcessEnv = process.env;

interface Loaded {
  app: { listen(port: number, host: string, onListening: () => void): Server };
  cache: { close(): Promise<void> };
  redis: Redis;
}

function get(port: number, path: string): Promise<{ status: number; cacheStatus: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: 'shop.example' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, cacheStatus: String(res.headers['cache-status']), body: text }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('README "Operating" section', () => {
  let loaded: Loaded;
  let server: Server;
  let port: number;
  let admin: Redis;
  const savedUrl = env.REDIS_URL;

  beforeAll(async () => {
    admin = await connect();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const code = /```ts readme-test=operating\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toContain('app.listen(3000);');
    env.REDIS_URL = redisTopology().url;
    const dir = join(ROOT, 'examples', 'express-redis', '.readme-snippets');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'operating.ts');
    writeFileSync(file, code!.replace('app.listen(3000);', 'export { app, cache, redis };'));
    loaded = (await import(/* @vite-ignore */ file)) as Loaded;
    server = await new Promise((resolve) => {
      const s = loaded.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await loaded.cache.close();
    await loaded.redis.quit();
    if (savedUrl === undefined) delete env.REDIS_URL;
    else env.REDIS_URL = savedUrl;
    await cleanupPrefix(admin, 'rc:');
    await closeClients();
  });

  it('works as written: warmed pages are hits, /metrics and /health answer', async () => {
    const warmed = await get(port, '/api/products/2');
    expect(warmed.cacheStatus).toMatch(/^routecache; hit;/);
    expect(JSON.parse(warmed.body)).toEqual({ id: '2' });

    const metrics = await get(port, '/metrics');
    expect(metrics.status).toBe(200);
    // The warmed entry came from L1 or, while the bus was still subscribing, from L2.
    expect(metrics.body).toMatch(
      /routecache_answers_total\{route="GET \/api\/products\/:id",outcome="hit",layer="l[12]",reason="",not_modified="false"\} 1/,
    );
    expect(metrics.body).toMatch(/routecache_stored_total\{route="GET \/api\/products\/:id"\} 2/);
    expect(metrics.body).toContain('# TYPE routecache_origin_duration_seconds histogram');

    const health = JSON.parse((await get(port, '/health')).body) as {
      status: string;
      l2: { reachable: boolean };
    };
    expect(health.l2.reachable).toBe(true);
    expect(health.status).toBe('ok');
  });
});
