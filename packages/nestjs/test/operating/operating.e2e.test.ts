/**
 * Operating the cache on NestJS: OpenTelemetry through the module's cache (in-memory exporters,
 * Express platform with a server span per request), and RouteCacheService.health() / warm()
 * through Nest's HTTP adapter on both platforms (Fastify: inject(); Express: a loopback server
 * over the instance), warmed entries byte for byte a visitor's.
 */
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { instrumentOpenTelemetry } from '@routecache/core/otel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parentId, startTestSdk, type TestSdk } from '../../../../test-support/otel-sdk';
import { RouteCacheService } from '../../src';
import { PLATFORMS, type PlatformName, rawGet } from '../support/boot';
import { OperatingController } from './operating.controller';
import { OperatingModule } from './operating.module';

const HOST = 'shop.example';

async function create(platform: PlatformName): Promise<INestApplication> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  return NestFactory.create(OperatingModule, adapter, { logger: false, abortOnError: false });
}

describe('OpenTelemetry on NestJS (Express platform)', () => {
  let sdk: TestSdk;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    sdk = startTestSdk();
    app = await create('express');
    app.use((req: { method: string }, res: { on(e: string, f: () => void): void }, next: () => void) =>
      sdk.serverSpan(
        `${req.method} http`,
        () =>
          new Promise<void>((done) => {
            res.on('finish', done);
            next();
          }),
      ),
    );
    instrumentOpenTelemetry(app.get(RouteCacheService), {
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (let i = 0; i < 2; i++) await rawGet(`${url}/items/1`);
  });
  afterAll(async () => {
    await app.close();
    await sdk.shutdown();
  });

  it('sets the outcome on the server span and records an origin span on the miss', () => {
    const servers = sdk.spans().filter((s) => s.name === 'GET http');
    expect(
      servers.map((s) => [s.attributes['routecache.outcome'], s.attributes['routecache.layer']]),
    ).toEqual([
      ['miss', 'origin'],
      ['hit', 'l1'],
    ]);
    expect(servers[1]!.attributes['routecache.key_hash']).toMatch(/^[0-9a-f]{8}$/);
    const origins = sdk.spans().filter((s) => s.name === 'routecache origin');
    expect(origins).toHaveLength(1);
    expect(parentId(origins[0]!)).toBe(servers[0]!.spanContext().spanId);
  });

  it('puts the answers on the meter', async () => {
    const answers = await sdk.points('routecache.answers');
    expect(answers.map((p) => [p.attributes['routecache.outcome'], p.value]).sort()).toEqual([
      ['hit', 1],
      ['miss', 1],
    ]);
  });
});

describe.each(PLATFORMS)('RouteCacheService.warm() and health() on %s', (platform) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('warms through the HTTP adapter before listening; a visitor then gets the same bytes as a hit', async () => {
    app = await create(platform);
    await app.init();
    const service = app.get(RouteCacheService);
    const summary = await service.warm(['/items/1', '/items/2', '/nowhere'], {
      concurrency: 2,
      headers: { host: HOST },
    });
    expect(summary).toMatchObject({ total: 3, stored: 2, skipped: 1, failed: 0 });
    expect(app.get(OperatingController).runs).toBe(2);

    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const visitor = await rawGet(`${url}/items/1`, { host: HOST });
    expect(visitor.headers['cache-status']).toMatch(/; hit/);
    expect(JSON.parse(visitor.body)).toEqual({ id: '1', run: expect.any(Number) });
    expect(app.get(OperatingController).runs).toBe(2);
    // Once listening, warming goes over HTTP to the server itself.
    expect(await service.warm(['/items/2'], { headers: { host: HOST } })).toMatchObject({ fresh: 1 });

    const health = await service.health();
    expect(health.routes['GET /items/:id']).toMatchObject({ misses: 2, hits: 2, hitRatio: 0.5 });
  });
});
