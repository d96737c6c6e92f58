import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from './app.module';

describe('the nestjs-basic example', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(() => app.close());

  it('serves the product list from the cache the second time', async () => {
    const miss = await fetch(`${url}/api/products`);
    expect(miss.headers.get('cache-control')).toBe(
      'public, max-age=60, s-maxage=300, stale-while-revalidate=30',
    );
    expect(miss.headers.get('surrogate-key')).toBe('products');
    const hit = await fetch(`${url}/api/products`);
    expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    expect(await hit.json()).toHaveLength(3);
  });

  it('drops a product page and the list when the product is updated', async () => {
    await fetch(`${url}/api/products/1`);
    expect((await fetch(`${url}/api/products/1`)).headers.get('cache-status')).toMatch(/; hit/);

    const update = await fetch(`${url}/api/products/1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ price: 10 }),
    });
    expect(update.status).toBe(200);

    const page = await fetch(`${url}/api/products/1`);
    expect(page.headers.get('cache-status')).toMatch(/fwd=miss/);
    expect(await page.json()).toMatchObject({ id: '1', price: 10 });
    const list = await fetch(`${url}/api/products`);
    expect(list.headers.get('cache-status')).toMatch(/fwd=miss/);
  });

  it('keeps /me per user and private', async () => {
    const alice = await fetch(`${url}/me`, { headers: { 'x-user-id': 'alice' } });
    expect(alice.headers.get('cache-control')).toMatch(/^private/);
    expect(await alice.json()).toMatchObject({ userId: 'alice' });
    const bob = await fetch(`${url}/me`, { headers: { 'x-user-id': 'bob' } });
    expect(await bob.json()).toMatchObject({ userId: 'bob' });
  });

  it('serves the cache health report on /health', async () => {
    await fetch(`${url}/api/products/2`);
    await fetch(`${url}/api/products/2`);
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-status')).toBeNull();
    const report = (await response.json()) as {
      status: string;
      l1: { entries: number };
      routes: Record<string, { hits: number }>;
    };
    expect(report.status).toBe('ok');
    expect(report.l1.entries).toBeGreaterThan(0);
    expect(report.routes['GET /api/products/:id']?.hits).toBeGreaterThanOrEqual(1);
  });
});
