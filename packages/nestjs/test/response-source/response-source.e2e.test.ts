import { Controller, Get, Header, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS, readJson } from '../support/boot';

let now = Date.parse('2026-01-01T00:00:00Z');
const runs = { shared: 0, private: 0, noStore: 0 };

@Controller()
class HeaderDrivenController {
  @Get('shared')
  @CachePolicy({ from: 'response' })
  @Header('Cache-Control', 'public, s-maxage=60')
  shared(): { run: number } {
    runs.shared += 1;
    return { run: runs.shared };
  }

  @Get('private')
  @CachePolicy({ from: 'response' })
  @Header('Cache-Control', 'private, max-age=60')
  private(): { run: number } {
    runs.private += 1;
    return { run: runs.private };
  }

  @Get('no-store')
  @CachePolicy({ from: 'response' })
  @Header('Cache-Control', 'no-store')
  noStore(): { run: number } {
    runs.noStore += 1;
    return { run: runs.noStore };
  }
}

@Module({ imports: [RouteCacheModule.forRoot({ clock: () => now })], controllers: [HeaderDrivenController] })
class ResponseSourceModule {}

describe.each(PLATFORMS)("@CachePolicy({ from: 'response' }) on %s", (platform) => {
  let server: BootedApp;
  const get = (path: string) => fetch(`${server.url}/${path}`);

  beforeAll(async () => {
    server = await boot(ResponseSourceModule, platform);
  });
  afterAll(() => server.close());

  it('stores a public, s-maxage=60 answer, fresh for 60 s with its own Cache-Control, then misses', async () => {
    const first = await get('shared');
    const { run } = await readJson(first);
    expect(first.headers.get('cache-control')).toBe('public, s-maxage=60');
    now += 59_000;
    const hit = await get('shared');
    expect((await readJson(hit)).run).toBe(run);
    expect(hit.headers.get('cache-control')).toBe('public, s-maxage=60');
    expect(hit.headers.get('age')).toBe('59');
    now += 1000;
    expect((await readJson(await get('shared'))).run).toBe(run + 1);
  });

  it.each([
    ['private', 'private, max-age=60'],
    ['no-store', 'no-store'],
  ])('never stores %s, passing its Cache-Control through', async (path, cacheControl) => {
    const { run } = await readJson(await get(path));
    const second = await get(path);
    expect((await readJson(second)).run).toBe(run + 1);
    expect(second.headers.get('cache-control')).toBe(cacheControl);
  });
});
