import { Controller, Get, Module, Version, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { PLATFORMS } from '../support/boot';

let runs = 0;

@Controller('items')
class ItemsController {
  @Get()
  @Version('1')
  @CachePolicy({ maxAge: 60 })
  v1(): string {
    return `v1 run ${++runs}`;
  }

  @Get()
  @Version('2')
  @CachePolicy({ maxAge: 60 })
  v2(): string {
    return `v2 run ${++runs}`;
  }
}

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [ItemsController] })
class VersionedModule {}

const SCHEMES = [
  {
    name: 'header versioning',
    versioning: { type: VersioningType.HEADER, header: 'X-Api-Version' } as const,
    version: (v: string) => ({ 'x-api-version': v }),
    vary: /x-api-version/i,
  },
  {
    name: 'media-type versioning',
    versioning: { type: VersioningType.MEDIA_TYPE, key: 'v=' } as const,
    version: (v: string) => ({ accept: `application/json;v=${v}` }),
    vary: /accept/i,
  },
];

describe.each(PLATFORMS)('NestJS versioning on %s', (platform) => {
  describe.each(SCHEMES)('$name', ({ versioning, version, vary }) => {
    let close: () => Promise<void>;
    let url = '';

    beforeAll(async () => {
      runs = 0;
      const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
      const app = await NestFactory.create(VersionedModule, adapter, { logger: false, abortOnError: false });
      app.enableVersioning(versioning);
      await app.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/items`;
      close = () => app.close();
    });
    afterAll(() => close());

    it('gives each version of a path its own entry, and says so in Vary', async () => {
      const first = await fetch(url, { headers: version('1') });
      expect(await first.text()).toBe('v1 run 1');
      expect(first.headers.get('vary')).toMatch(vary);
      const second = await fetch(url, { headers: version('2') });
      expect(await second.text()).toBe('v2 run 2');
      const v1Hit = await fetch(url, { headers: version('1') });
      expect(v1Hit.headers.get('cache-status')).toMatch(/hit/);
      expect(await v1Hit.text()).toBe('v1 run 1');
      const v2Hit = await fetch(url, { headers: version('2') });
      expect(v2Hit.headers.get('cache-status')).toMatch(/hit/);
      expect(await v2Hit.text()).toBe('v2 run 2');
    });
  });
});
