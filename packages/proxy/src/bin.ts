#!/usr/bin/env node
/**
 * `routecache-proxy`: a caching reverse proxy from the command line. Prints
 * `routecache-proxy listening on http://HOST:PORT/ -> UPSTREAM` once it listens; stops on
 * SIGINT/SIGTERM after closing the server and the cache.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryStore, type Store, tieredStore } from '@routecache/core';
import { settledWithin } from '@routecache/core/adapter';
import { parseProxyArgs, USAGE } from './cli-options';
import { createProxy } from './create-proxy';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseProxyArgs>;
  try {
    parsed = parseProxyArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const closers: (() => Promise<unknown>)[] = [];
  let store: Store = memoryStore();
  if (parsed.store === 'redis') {
    const { Redis } = await import('ioredis');
    const { recommendedRedisOptions, redisBus, redisStore } = await import('@routecache/core/redis');
    const client = new Redis(parsed.redisUrl, recommendedRedisOptions);
    closers.push(() => client.quit());
    // Listen once Redis answers (bounded): with the recommended options (no offline queue) the
    // first requests would otherwise store nothing while the client connects.
    await settledWithin(new Promise((resolve) => client.once('ready', resolve)), 5000);
    store = tieredStore({
      l1: memoryStore(),
      l2: redisStore({ client, prefix: parsed.redisPrefix }),
      bus: redisBus({ client, channel: `${parsed.redisPrefix}bus` }),
    });
  }
  const proxy = createProxy({
    upstream: parsed.upstream,
    store,
    timeoutMs: parsed.timeoutMs,
    ...(parsed.maxBodyBytes === undefined ? {} : { maxBodyBytes: parsed.maxBodyBytes }),
  });
  const server = createServer(proxy.listener);
  server.listen(parsed.port, parsed.host, () => {
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    process.stdout.write(`routecache-proxy listening on http://${host}:${port}/ -> ${parsed.upstream}\n`);
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections?.();
    void Promise.allSettled([proxy.close(), ...closers.map((close) => close())]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
