import { Controller, Get, Logger, Module, Res } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS } from '../support/boot';

let runs = 0;

interface RawResponse {
  status(code: number): RawResponse;
  send(body: string): unknown;
}

@Controller()
@CachePolicy({ maxAge: 60 })
class RawController {
  @Get('raw')
  raw(@Res() res: RawResponse): void {
    runs += 1;
    res.status(200).send(`raw ${runs}`);
  }
}

@Module({ imports: [RouteCacheModule.forRoot({})], controllers: [RawController] })
class BareResModule {}

describe.each(PLATFORMS)('a route with a bare @Res() on %s', (platform) => {
  let server: BootedApp;
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

  beforeAll(async () => {
    server = await boot(BareResModule, platform);
  });
  afterAll(() => server.close());
  afterEach(() => warn.mockClear());

  it('is passed through, answered by the handler each time, with a single warning', async () => {
    const first = await fetch(`${server.url}/raw`);
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    const second = await fetch(`${server.url}/raw`);
    expect(await second.text()).not.toBe(firstBody);
    expect(second.headers.get('cache-status')).toBeNull();

    const warnings = warn.mock.calls.filter(([message]) => String(message).includes('RawController.raw()'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]![0])).toContain('passthrough: true');
  });
});
