import { describe, expect, it } from 'vitest';
import { createApp } from './app';

describe('hono-node example', () => {
  it('serves a product from the cache on the second request and drops it on update', async () => {
    const app = createApp();
    const first = await app.request('/api/products/1');
    expect(first.headers.get('cache-status')).toMatch(/fwd=miss/);
    const second = await app.request('/api/products/1');
    expect(second.headers.get('cache-status')).toMatch(/hit/);
    expect(second.headers.get('surrogate-key')).toBe('products product:1');
    await app.request('/api/products/1', { method: 'POST', body: JSON.stringify({ price: 20 }) });
    const third = await app.request('/api/products/1');
    expect(await third.json()).toEqual({ id: '1', name: 'Teapot', price: 20 });
  });

  it('serves the cache health report on /health', async () => {
    const app = createApp();
    await app.request('/api/products/2');
    await app.request('/api/products/2');
    const report = (await (await app.request('/health')).json()) as {
      status: string;
      routes: Record<string, { hitRatio: number }>;
    };
    expect(report.status).toBe('ok');
    expect(report.routes['GET /api/products/:id']?.hitRatio).toBe(0.5);
  });
});
