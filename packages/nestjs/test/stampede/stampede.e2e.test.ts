import { type CanActivate, Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS, readJson } from '../support/boot';

let runs = 0;
let started = 0;
/** Requests that reached the route (guards run before interceptors). */
let arrived = 0;

@Injectable()
class CountArrivals implements CanActivate {
  canActivate(): boolean {
    arrived += 1;
    return true;
  }
}
let open: () => void = () => undefined;
let gate = new Promise<void>((resolve) => {
  open = resolve;
});

@Controller()
@UseGuards(CountArrivals)
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
    arrived = 0;
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    server = await boot(StampedeModule, platform);
  });
  afterAll(() => server.close());

  it('run the handler once and answer every request with its result, the others collapsed into it', async () => {
    const requests = Array.from({ length: 5 }, () => fetch(`${server.url}/report`));
    // Every request has passed the interceptor (it runs in the same turn as the guard) before
    // the handler is let go, so none can be a plain hit of the stored answer.
    await vi.waitFor(() => expect(arrived).toBe(5));
    expect(started).toBe(1);
    open();
    const responses = await Promise.all(requests);
    const bodies = await Promise.all(responses.map((response) => readJson(response)));
    expect(runs).toBe(1);
    expect(started).toBe(1);
    expect(bodies.every((body) => body.run === 1)).toBe(true);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const statuses = responses.map((response) => response.headers.get('cache-status') ?? '');
    // RFC 9211: the leader went forward and stored; the others were collapsed into its request.
    expect(statuses.filter((status) => /; fwd=miss; .*stored/.test(status))).toHaveLength(1);
    expect(statuses.filter((status) => /; fwd=miss; .*collapsed/.test(status))).toHaveLength(4);
  });
});
