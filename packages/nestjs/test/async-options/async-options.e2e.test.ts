import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { createCache, type RouteCache } from '@routecache/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule, type RouteCacheModuleOptions } from '../../src';
import { type BootedApp, boot, PLATFORMS, readJson } from '../support/boot';

@Injectable()
class AppConfig {
  readonly cacheName = 'edge-cache';
  readonly defaultMaxAge = '5m' as const;
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
class ConfigModule {}

@Controller()
class ArticlesController {
  @Get('articles')
  @CachePolicy({})
  list(): string[] {
    return ['a', 'b'];
  }
}

@Module({
  imports: [
    RouteCacheModule.forRootAsync({
      imports: [ConfigModule],
      inject: [AppConfig],
      useFactory: (config: AppConfig): RouteCacheModuleOptions => ({
        cacheStatus: config.cacheName,
        defaults: { maxAge: config.defaultMaxAge },
      }),
    }),
  ],
  controllers: [ArticlesController],
})
class AsyncOptionsModule {}

describe.each(PLATFORMS)('RouteCacheModule.forRootAsync on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(AsyncOptionsModule, platform);
  });
  afterAll(() => server.close());

  it('builds the cache from injected options: defaults and the Cache-Status name apply', async () => {
    const miss = await fetch(`${server.url}/articles`);
    expect(miss.headers.get('cache-control')).toBe('public, max-age=300');
    expect(miss.headers.get('cache-status')).toMatch(/^edge-cache; fwd=miss/);
    const hit = await fetch(`${server.url}/articles`);
    expect(hit.headers.get('cache-status')).toMatch(/^edge-cache; hit/);
    expect(await readJson(hit)).toEqual(['a', 'b']);
  });
});

/** A cache the app created itself and shares with the module. */
const shared: RouteCache = createCache({ defaults: { maxAge: 10 } });

@Module({
  imports: [RouteCacheModule.forRoot({ cache: shared, defaults: { maxAge: 20 } })],
  controllers: [ArticlesController],
})
class SharedCacheModule {}

describe.each(PLATFORMS)('RouteCacheModule.forRoot({ cache, defaults }) on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(SharedCacheModule, platform);
  });
  afterAll(() => server.close());

  it("uses the cache passed in, with the module's defaults over the cache's", async () => {
    const miss = await fetch(`${server.url}/articles`);
    expect(miss.headers.get('cache-control')).toBe('public, max-age=20');
    const hits = shared.stats().hits;
    await fetch(`${server.url}/articles`);
    expect(shared.stats().hits).toBe(hits + 1);
  });
});
