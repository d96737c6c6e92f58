import { Controller, Get, Headers, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS, readJson } from '../support/boot';

let runs = 0;

@Controller()
class MeController {
  @Get('me')
  @CachePolicy({ scope: 'private', maxAge: 60, identify: (req) => req.headers('x-user') })
  me(@Headers('x-user') user?: string): { user: string | undefined; run: number } {
    runs += 1;
    return { user, run: runs };
  }
}

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [MeController] })
class PrivateRouteModule {}

describe.each(PLATFORMS)('a private route on %s', (platform) => {
  let server: BootedApp;
  const me = (user?: string) => fetch(`${server.url}/me`, { headers: user ? { 'x-user': user } : {} });

  beforeAll(async () => {
    server = await boot(PrivateRouteModule, platform);
  });
  afterAll(() => server.close());

  it('keeps one entry per identity, marked private for downstream caches', async () => {
    const alice = await me('alice');
    expect(alice.headers.get('cache-control')).toMatch(/^private/);
    const aliceBody = await readJson(alice);
    expect(aliceBody.user).toBe('alice');

    const aliceAgain = await me('alice');
    expect(aliceAgain.headers.get('cache-status')).toMatch(/; hit/);
    expect(await readJson(aliceAgain)).toEqual(aliceBody);

    const bob = await me('bob');
    const bobBody = await readJson(bob);
    expect(bobBody.user).toBe('bob');
    expect(bobBody.run).toBeGreaterThan(aliceBody.run);
  });

  it('stores nothing for a request without an identity', async () => {
    const first = await readJson(await me());
    const second = await me();
    expect(second.headers.get('cache-status')).not.toMatch(/; hit/);
    expect((await readJson(second)).run).toBeGreaterThan(first.run);
  });
});
