import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Built from '../../src';
import { type BootedApp, boot, PLATFORMS, readJson } from '../support/boot';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the package and its workspace dependencies with their build scripts (tsdown), so that the test runs what is published (the CJS build loads `@routecache/core`'s dist). */
async function build(): Promise<void> {
  await promisify(execFile)('pnpm', ['--filter', '@routecache/nestjs...', 'build'], { cwd: packageDir });
}

/** An app written against the built package only. */
function appModule(lib: typeof Built): unknown {
  @Controller()
  class ShopController {
    constructor(
      @Inject(lib.RouteCacheService) private readonly routeCache: typeof lib.RouteCacheService.prototype,
    ) {}

    @Get('shop')
    @lib.CachePolicy({ maxAge: '5m', tags: ['shop'] })
    shop(): { open: boolean; service: boolean } {
      return { open: true, service: this.routeCache instanceof lib.RouteCacheService };
    }
  }

  @Module({ imports: [lib.RouteCacheModule.forRoot({})], controllers: [ShopController] })
  class ShopModule {}
  return ShopModule;
}

beforeAll(build, 60_000);

describe('the built ESM output', () => {
  let lib: typeof Built;

  beforeAll(async () => {
    lib = await import(/* @vite-ignore */ `${packageDir}dist/index.js`);
  });

  it('carries the design:paramtypes metadata Nest injects by', () => {
    // The cache (by token) and, optional, Nest's HttpAdapterHost (for warm()).
    expect(Reflect.getMetadata('design:paramtypes', lib.RouteCacheService)).toHaveLength(2);
    expect(Reflect.getMetadata('design:paramtypes', lib.RouteCacheInterceptor)).toHaveLength(3);
  });

  describe.each(PLATFORMS)('in a Nest app on %s', (platform) => {
    let server: BootedApp;

    beforeAll(async () => {
      server = await boot(appModule(lib), platform);
    });
    afterAll(() => server.close());

    it('caches a decorated route and injects RouteCacheService', async () => {
      const miss = await fetch(`${server.url}/shop`);
      expect(await readJson(miss)).toEqual({ open: true, service: true });
      expect(miss.headers.get('cache-control')).toBe('public, max-age=300');
      const hit = await fetch(`${server.url}/shop`);
      expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    });
  });
});

describe.each(PLATFORMS)('the built CJS output in a plain CommonJS Nest app on %s', (platform) => {
  it('caches a decorated route and injects RouteCacheService', async () => {
    // Run by Node itself: vitest would resolve `@routecache/core` to its TypeScript sources.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['test/built-dist/cjs-app.cjs', platform],
      {
        cwd: packageDir,
      },
    );
    const [miss, hit] = JSON.parse(stdout);
    expect(miss).toEqual({
      body: { open: true, service: true },
      cacheControl: 'public, max-age=300',
      cacheStatus: expect.stringMatching(/fwd=miss/),
    });
    expect(hit.cacheStatus).toMatch(/; hit/);
  });
});
