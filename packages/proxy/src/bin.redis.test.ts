/**
 * The `routecache-proxy` bin (built: `packages/proxy/dist/bin.js`) with `--store redis`: two
 * instances in front of one upstream share entries through the real Redis of the test harness.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, closeClients, connect, redisTopology } from '../../../test-support/redis-harness';

const BIN = join(import.meta.dirname, '../dist/bin.js');
const PREFIX = `proxy-bin-${process.pid}:`;
const children: ChildProcess[] = [];
let client: Redis;

/** Starts the bin and resolves with its port once it prints that it listens. */
async function startProxy(upstream: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--upstream',
      upstream,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--store',
      'redis',
      '--redis-url',
      redisTopology().url,
      '--redis-prefix',
      PREFIX,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
  });
  while (!/listening on http:\/\/127\.0\.0\.1:(\d+)\//.test(out)) {
    await Promise.race([
      once(child.stdout!, 'data'),
      once(child, 'exit').then(() => {
        throw new Error(`routecache-proxy exited: ${out}`);
      }),
    ]);
  }
  return Number(/:(\d+)\//.exec(out)![1]);
}

function get(port: number, path: string): Promise<{ body: string; cacheStatus: string | undefined }> {
  return new Promise((resolve, reject) => {
    // One Host for both instances, as behind a load balancer (the host is part of the key).
    request({ host: '127.0.0.1', port, path, agent: false, headers: { host: 'proxy.test' } }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ body, cacheStatus: res.headers['cache-status'] as string | undefined }));
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  client = await connect();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  await cleanupPrefix(client, PREFIX);
  await closeClients();
});

describe('routecache-proxy --store redis', () => {
  it('shares entries between two instances through Redis', async () => {
    let calls = 0;
    const upstream = createServer((_req, res) => {
      calls++;
      res.writeHead(200, { 'cache-control': 'public, max-age=60' });
      res.end(`body ${calls}`);
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    try {
      const target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      const [a, b] = [await startProxy(target), await startProxy(target)];
      expect((await get(a, '/shared')).body).toBe('body 1');
      const fromB = await get(b, '/shared');
      expect(fromB.body).toBe('body 1');
      expect(fromB.cacheStatus).toMatch(/hit/);
      expect(calls).toBe(1);
      expect(await client.keys(`${PREFIX}*`)).not.toHaveLength(0);
    } finally {
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});
