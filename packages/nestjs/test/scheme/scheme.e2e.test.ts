import { Controller, Get, Module, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { PLATFORMS } from '../support/boot';

let runs = 0;

@Controller()
class SchemeController {
  @Get('scheme')
  @CachePolicy({ maxAge: 60 })
  scheme(@Req() req: { protocol: string }): string {
    runs++;
    return `${req.protocol} ${runs}`;
  }
}

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [SchemeController] })
class SchemeModule {}

describe.each(PLATFORMS)('HTTPS behind a trusted proxy on %s', (platform) => {
  let close: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    runs = 0;
    const adapter = platform === 'fastify' ? new FastifyAdapter({ trustProxy: true }) : new ExpressAdapter();
    if (adapter instanceof ExpressAdapter) adapter.getInstance().set('trust proxy', true);
    const app = await NestFactory.create(SchemeModule, adapter, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/scheme`;
    close = () => app.close();
  });
  afterAll(() => close());

  it('gets its own entries, apart from plain HTTP for the same URL', async () => {
    const https = { headers: { 'x-forwarded-proto': 'https' } };
    expect(await (await fetch(url, https)).text()).toBe('https 1');
    expect(await (await fetch(url)).text()).toBe('http 2');
    const hit = await fetch(url, https);
    expect(hit.headers.get('cache-status')).toMatch(/hit/);
    expect(await hit.text()).toBe('https 1');
    expect(await (await fetch(url)).text()).toBe('http 2');
  });
});
