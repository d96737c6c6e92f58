import { Controller, Get, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS, readJson } from '../support/boot';

let runs = 0;
let started = 0;
let open: () => void = () => undefined;
let gate = new Promise<void>((resolve) => {
  open = resolve;
});

@Controller()
class ReportController {
  @Get('report')
  @CachePolicy({ maxAge: 60 })
  async report(): Promise<{ run: number }> {
    started += 1;
    await gate;
    runs += 1;
    return { run: runs };
  }
}

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [ReportController] })
class StampedeModule {}

describe.each(PLATFORMS)('concurrent misses on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    runs = 0;
    started = 0;
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    server = await boot(StampedeModule, platform);
  });
  afterAll(() => server.close());

  it('run the handler once and answer every request with its result', async () => {
    const requests = Array.from({ length: 5 }, () => fetch(`${server.url}/report`));
    await vi.waitFor(() => expect(started).toBe(1));
    open();
    const responses = await Promise.all(requests);
    const bodies = await Promise.all(responses.map((response) => readJson(response)));
    expect(runs).toBe(1);
    expect(started).toBe(1);
    expect(bodies.every((body) => body.run === 1)).toBe(true);
    expect(responses.every((response) => response.status === 200)).toBe(true);
  });
});
