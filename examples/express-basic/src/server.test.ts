import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { createTour, type TourStep, toCurl } from './tour.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a tour step exactly as the printed curl line does (node:http adds no cache headers). */
function send(base: string, step: TourStep): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...step.headers };
    if (step.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(step.body));
    const req = request(base + step.path, { method: step.method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(step.body);
  });
}

describe('the express-basic tour', () => {
  const { app, catalogue, rc } = createApp();
  let server: Server;
  let base = '';
  let tour: TourStep[] = [];
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tour = await createTour(catalogue);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('prints copy-pasteable curl lines', () => {
    expect(tour.map((step) => toCurl('http://localhost:3000', step))).toEqual([
      'curl -i http://localhost:3000/api/products/1',
      'curl -i http://localhost:3000/api/products/1',
      `curl -i -H 'If-None-Match: ${tour[2]!.headers['If-None-Match']}' http://localhost:3000/api/products/1`,
      `curl -i -X POST -H 'Content-Type: application/json' -d '{"price":1000}' http://localhost:3000/api/products/1`,
    ]);
  });

  it('shows a miss, a hit, a 304 with the printed ETag, and an invalidation', async () => {
    const [missStep, hitStep, notModifiedStep, updateStep] = tour as [TourStep, TourStep, TourStep, TourStep];

    const miss = await send(base, missStep);
    expect(miss.status).toBe(200);
    expect(miss.headers['cache-status']).toMatch(/^routecache; fwd=miss; ttl=\d+; stored$/);
    expect(JSON.parse(miss.body)).toEqual({ id: '1', name: 'Espresso cup', price: 900 });
    expect(miss.headers.etag).toBe(notModifiedStep.headers['If-None-Match']);
    expect(miss.headers['surrogate-key']).toBe('products product:1');

    const hit = await send(base, hitStep);
    expect(hit.headers['cache-status']).toMatch(/^routecache; hit; ttl=\d+$/);
    expect(hit.headers.age).toMatch(/^\d+$/);
    expect(hit.body).toBe(miss.body);

    const notModified = await send(base, notModifiedStep);
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBe('');

    const update = await send(base, updateStep);
    expect(update.status).toBe(200);
    expect(JSON.parse(update.body)).toMatchObject({ id: '1', price: 1000 });

    const again = await send(base, missStep);
    expect(again.headers['cache-status']).toMatch(/fwd=miss/);
    expect(JSON.parse(again.body)).toMatchObject({ price: 1000 });
    expect(rc.stats()).toMatchObject({ hits: 2, notModified: 1, stored: 2 });
  });

  it('keeps /me per user and /api/cart out of every cache', async () => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      send(base, { shows: '', method: 'GET', path, headers });
    const ann = await get('/me', { 'x-demo-user': 'ann' });
    expect(ann.headers['cache-control']).toBe('private, max-age=60');
    expect((await get('/me', { 'x-demo-user': 'ann' })).body).toBe(ann.body);
    expect(JSON.parse((await get('/me', { 'x-demo-user': 'bob' })).body).user).toBe('bob');
    const cart = await get('/api/cart');
    expect(cart.headers['cache-control']).toBe('no-store');
    expect(cart.headers['cache-status']).toMatch(/fwd=bypass/);
  });
});
