import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule, RouteCacheService } from '../../src';
import { PLATFORMS, type PlatformName } from '../support/boot';

@Controller()
class PageController {
  private runs = 0;

  @Get('page')
  @CachePolicy({ maxAge: 60 })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  page(): string {
    return `page run ${++this.runs}`;
  }
}

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [PageController] })
class PageModule {}

async function start(platform: PlatformName, trusted: boolean) {
  const adapter = platform === 'fastify' ? new FastifyAdapter({ trustProxy: trusted }) : new ExpressAdapter();
  if (adapter instanceof ExpressAdapter) adapter.getInstance().set('trust proxy', trusted);
  const app = await NestFactory.create(PageModule, adapter, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  return { app, url, service: app.get(RouteCacheService) };
}

describe.each(PLATFORMS)('NestJS on %s: the host under a proxy', (platform) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  const forwarded = { 'x-forwarded-host': 'shop.example' };

  it('keys the X-Forwarded-Host of a trusted proxy as the host, as the platform reads it', async () => {
    const { app, url, service } = await start(platform, true);
    close = () => app.close();
    expect(await (await fetch(`${url}/page`, { headers: forwarded })).text()).toBe('page run 1');
    expect(await (await fetch(`${url}/page`, { headers: forwarded })).text()).toBe('page run 1');
    await service.invalidate({ urls: ['http://shop.example/page'] });
    const after = await fetch(`${url}/page`, { headers: forwarded });
    expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
    expect(await after.text()).toBe('page run 2');
  });

  it('keeps the Host header as the host when the proxy is not trusted', async () => {
    const { app, url, service } = await start(platform, false);
    close = () => app.close();
    expect(await (await fetch(`${url}/page`, { headers: forwarded })).text()).toBe('page run 1');
    await service.invalidate({ urls: ['http://shop.example/page'] });
    const after = await fetch(`${url}/page`, { headers: forwarded });
    expect(after.headers.get('cache-status')).toMatch(/routecache; hit/);
    await service.invalidate({ urls: [`${url}/page`] });
    expect(await (await fetch(`${url}/page`, { headers: forwarded })).text()).toBe('page run 2');
  });
});
