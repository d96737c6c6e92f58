import { Controller, Get, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS, readJson } from '../support/boot';

let now = Date.parse('2026-01-01T00:00:00Z');
let runs = 0;

@Controller()
class PricesController {
  @Get('prices')
  @CachePolicy({ maxAge: 10, staleWhileRevalidate: 60 })
  prices(): { run: number } {
    runs += 1;
    return { run: runs };
  }
}

@Module({ imports: [RouteCacheModule.forRoot({ clock: () => now })], controllers: [PricesController] })
class StaleWhileRevalidateModule {}

describe.each(PLATFORMS)('stale-while-revalidate on %s', (platform) => {
  let server: BootedApp;
  const prices = async () => {
    const response = await fetch(`${server.url}/prices`);
    return {
      status: response.headers.get('cache-status'),
      body: (await readJson(response)) as { run: number },
    };
  };

  beforeAll(async () => {
    server = await boot(StaleWhileRevalidateModule, platform);
  });
  afterAll(() => server.close());

  it('serves the stale entry at once and refreshes it by re-running the handler in the background', async () => {
    const first = await prices();
    now += 15_000; // past maxAge (10 s), within staleWhileRevalidate (60 s)
    const stale = await prices();
    expect(stale.body.run).toBe(first.body.run);
    expect(stale.status).toMatch(/stale|; hit/);

    await vi.waitFor(() => expect(runs).toBe(first.body.run + 1));
    const refreshed = await prices();
    expect(refreshed.status).toMatch(/; hit/);
    expect(refreshed.body.run).toBe(first.body.run + 1);
  });
});
