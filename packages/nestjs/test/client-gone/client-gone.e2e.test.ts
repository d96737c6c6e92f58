import {
  Controller,
  Get,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS } from '../support/boot';

let runs = 0;
let arrivals = 0;
/** Responses to `?k=1` that closed. */
let closed = 0;
let gate: Promise<void> = Promise.resolve();

@Controller()
class SlowController {
  @Get('slow')
  @CachePolicy({ maxAge: 60 })
  async slow(): Promise<unknown> {
    runs += 1;
    const run = runs;
    await gate;
    return { run };
  }
}

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [SlowController] })
class ClientGoneModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        (req: { url: string }, res: { on(event: 'close', listener: () => void): void }, next: () => void) => {
          arrivals += 1;
          if (req.url.endsWith('k=1'))
            res.on('close', () => {
              closed += 1;
            });
          next();
        },
      )
      .forRoutes({ path: 'slow', method: RequestMethod.GET });
  }
}

describe.each(PLATFORMS)('a miss whose client goes away on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(ClientGoneModule, platform);
  });
  afterAll(() => server.close());

  it('still answers the requests waiting for it, with what its handler returned', async () => {
    runs = 0;
    // The route has answered once, its value untouched by other interceptors.
    expect(await (await fetch(`${server.url}/slow?k=warm`)).json()).toEqual({ run: 1 });
    let open!: () => void;
    gate = new Promise((resolve) => {
      open = resolve;
    });
    arrivals = 0;
    closed = 0;
    const leader = new AbortController();
    const gone = fetch(`${server.url}/slow?k=1`, { signal: leader.signal }).catch(() => 'aborted');
    await vi.waitFor(() => expect(runs).toBe(2));
    const waiter = fetch(`${server.url}/slow?k=1`);
    await vi.waitFor(() => expect(arrivals).toBe(2));
    leader.abort();
    expect(await gone).toBe('aborted');
    // The server has seen the leader's response close before its handler returns.
    await vi.waitFor(() => expect(closed).toBe(1));
    open();
    const answer = await waiter;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ run: 2 });
    expect(runs).toBe(2);
  });
});
