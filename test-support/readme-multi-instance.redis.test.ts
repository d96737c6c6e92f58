/**
 * The README's "Multiple instances" code, run as written: the block fenced as
 * "```ts readme-test=multi-instance" is copied twice into `examples/express-redis/` (two module
 * instances = two app instances with their own clients, L1s and buses), with `app.listen(3000)`
 * swapped for an export and `REDIS_URL` pointing at the harness's standalone Redis.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, closeClients, connect, redisTopology } from './redis-harness';

const ROOT = join(import.meta.dirname, '..');
/** Environment (read through one alias: the snippet reads `REDIS_URL`, the test sets it). */
const env: NodeJS.ProcessEnv = process.env;

function snippet(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = new RegExp(`\`\`\`ts readme-test=${name}\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`README.md has no "ts readme-test=${name}" block`);
  return match[1];
}

/** What the snippet exports (typed structurally: test-support depends on neither package). */
interface Loaded {
  app: { listen(port: number, host: string, onListening: () => void): Server };
  cache: { close(): Promise<void> };
  redis: Redis;
}

interface Answer {
  status: number;
  cacheStatus: string;
  body: string;
}

/** node:http, so that both instances get the same `Host` (as behind a load balancer). */
function send(port: number, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: 'shop.test' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, cacheStatus: String(res.headers['cache-status']), body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('README "Multiple instances" section', () => {
  const instances: { loaded: Loaded; server: Server; port: number }[] = [];
  let admin: Redis;
  const savedUrl = env.REDIS_URL;

  beforeAll(async () => {
    admin = await connect();
    const code = snippet('multi-instance');
    expect(code).toContain('app.listen(3000);');
    env.REDIS_URL = redisTopology().url;
    const dir = join(ROOT, 'examples', 'express-redis', '.readme-snippets');
    mkdirSync(dir, { recursive: true });
    for (const name of ['instance-a', 'instance-b']) {
      const file = join(dir, `multi-${name}.ts`);
      writeFileSync(file, code.replace('app.listen(3000);', 'export { app, cache, redis };'));
      const loaded = (await import(/* @vite-ignore */ file)) as Loaded;
      const server: Server = await new Promise((resolve) => {
        const s = loaded.app.listen(0, '127.0.0.1', () => resolve(s));
      });
      instances.push({ loaded, server, port: (server.address() as AddressInfo).port });
    }
    // Without an offline queue, requests are plain misses until the connection is ready (a few ms).
    for (const { loaded } of instances) {
      if (loaded.redis.status !== 'ready')
        await new Promise((resolve) => loaded.redis.once('ready', resolve));
    }
  });

  afterAll(async () => {
    for (const { loaded, server } of instances) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await loaded.cache.close();
      await loaded.redis.quit();
    }
    if (savedUrl === undefined) delete env.REDIS_URL;
    else env.REDIS_URL = savedUrl;
    await cleanupPrefix(admin, 'shop:');
    await closeClients();
  });

  it('works as written: one instance stores in Redis, the other hits, and an invalidation on one reaches the other', async () => {
    const [a, b] = instances.map((i) => i.port) as [number, number];
    const path = '/api/products/1';

    const miss = await send(b, 'GET', path);
    expect(miss.status).toBe(200);
    expect(miss.cacheStatus).toMatch(/^routecache; fwd=miss; ttl=300; stored$/);
    expect(JSON.parse(miss.body)).toEqual({ id: '1', name: 'Espresso cup', price: 900 });

    const fromRedis = await send(a, 'GET', path);
    expect(fromRedis.cacheStatus).toMatch(/^routecache; hit;/);
    expect(fromRedis.body).toBe(miss.body);
    expect((await send(b, 'GET', path)).cacheStatus).toMatch(/^routecache; hit;/);

    const update = await send(a, 'POST', path, JSON.stringify({ price: 25 }));
    expect(update.status).toBe(200);
    expect(JSON.parse(update.body)).toMatchObject({ price: 25 });
    expect((await send(a, 'GET', path)).cacheStatus).toMatch(/fwd=miss/);

    // B's L1 held the old entry; the bus message removes it within milliseconds (allow 2 s).
    let onB = await send(b, 'GET', path);
    for (const started = Date.now(); onB.body === miss.body && Date.now() - started < 2000; ) {
      onB = await send(b, 'GET', path);
    }
    expect(onB.status).toBe(200);
    // A's miss above stored a fresh entry in Redis: B now answers that one (A's run, price 25).
    expect(onB.cacheStatus).toMatch(/^routecache; hit;/);
    expect(JSON.parse(onB.body)).toMatchObject({ price: 25 });
  });
});
