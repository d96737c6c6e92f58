import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPrefix,
  closeClients,
  connect,
  redisTopology,
  uniquePrefix,
} from '../../../test-support/redis-harness';
import { AppModule } from './app.module';

describe('the nestjs-basic example with REDIS_URL', () => {
  const prefix = uniquePrefix('nestjs-basic');
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    process.env.REDIS_URL = redisTopology().url;
    process.env.REDIS_PREFIX = prefix;
    app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    delete process.env.REDIS_URL;
    delete process.env.REDIS_PREFIX;
    const client = await connect();
    await cleanupPrefix(client, prefix);
    await closeClients();
  });

  it('stores responses in Redis, behind the in-process L1', async () => {
    expect((await fetch(`${url}/api/products/2`)).headers.get('cache-status')).toMatch(/fwd=miss; .*stored/);
    expect((await fetch(`${url}/api/products/2`)).headers.get('cache-status')).toMatch(/; hit/);
    const client = await connect();
    const [, keys] = await client.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
    expect(keys.length).toBeGreaterThan(0);
  });
});
