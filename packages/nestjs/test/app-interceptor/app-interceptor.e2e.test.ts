import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS, rawGet } from '../support/boot';

/** What the envelope saw, per request: the value it wrapped. */
const seen: unknown[] = [];
let runs = 0;
let now = Date.parse('2026-01-01T00:00:00Z');

/** The usual response envelope: every result as `{ data }`, and a header saying so. */
@Injectable()
class Envelope implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context
      .switchToHttp()
      .getResponse<{ header?(n: string, v: string): void; setHeader?(n: string, v: string): void }>();
    return next.handle().pipe(
      map((data: unknown) => {
        seen.push(data);
        if ((data as { fail?: boolean } | undefined)?.fail) throw new Error('the envelope fails');
        if (res.setHeader) res.setHeader('x-envelope', '1');
        else res.header!('x-envelope', '1');
        return { data };
      }),
    );
  }
}

@Controller()
class ItemsController {
  @Get('cached/item')
  @CachePolicy({ maxAge: 60 })
  cached(): unknown {
    runs += 1;
    return { id: 'a', run: runs };
  }

  @Get('stale/item')
  @CachePolicy({ maxAge: 10, staleWhileRevalidate: 60 })
  stale(): unknown {
    runs += 1;
    return { id: 'b', run: runs };
  }

  @Get('failing/item')
  @CachePolicy({ maxAge: 60 })
  failing(): unknown {
    runs += 1;
    return { fail: true, run: runs };
  }

  @Get('uncached/item')
  uncached(): unknown {
    runs += 1;
    return { id: 'a', run: runs };
  }
}

@Module({
  imports: [RouteCacheModule.forRoot({ clock: () => now })],
  controllers: [ItemsController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: Envelope }],
})
class AppModule {}

describe.each(PLATFORMS)('an APP_INTERCEPTOR of the root module on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(AppModule, platform);
  });
  afterAll(() => server.close());

  it('sees the handler value on a miss, and the client gets what the route sends uncached, on the miss and the hit', async () => {
    runs = 0;
    seen.length = 0;
    const plain = await fetch(`${server.url}/uncached/item`);
    const plainBody = await plain.text();
    expect(plainBody).toBe('{"data":{"id":"a","run":1}}');
    runs = 0;
    seen.length = 0;

    const miss = await fetch(`${server.url}/cached/item`);
    expect(miss.headers.get('cache-status')).toMatch(/fwd=miss/);
    expect(seen).toEqual([{ id: 'a', run: 1 }]);
    const hit = await fetch(`${server.url}/cached/item`);
    expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    for (const sent of [miss, hit]) {
      expect(await sent.text()).toBe(plainBody);
      expect(sent.headers.get('content-type')).toBe(plain.headers.get('content-type'));
      expect(sent.headers.get('x-envelope')).toBe('1');
    }
    expect(runs).toBe(1);
  });

  it('answers HEAD and a matching If-None-Match from the enveloped entry', async () => {
    const get = await fetch(`${server.url}/cached/item`);
    const length = String((await get.arrayBuffer()).byteLength);
    const head = await fetch(`${server.url}/cached/item`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(length);
    const etag = get.headers.get('etag')!;
    const notModified = await rawGet(`${server.url}/cached/item`, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBe('');
  });

  it('refreshes a stale entry in the foreground, as the envelope wraps it, never detached from it', async () => {
    runs = 0;
    const first = await fetch(`${server.url}/stale/item`);
    expect(await first.text()).toBe('{"data":{"id":"b","run":1}}');
    now += 15_000; // past maxAge (10 s), within staleWhileRevalidate (60 s)
    const stale = await fetch(`${server.url}/stale/item`);
    expect(await stale.text()).toBe('{"data":{"id":"b","run":1}}');
    await vi.waitFor(async () => {
      const next = await fetch(`${server.url}/stale/item`);
      expect(await next.text()).toBe('{"data":{"id":"b","run":2}}');
    });
    const hit = await fetch(`${server.url}/stale/item`);
    expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    expect(await hit.text()).toBe('{"data":{"id":"b","run":2}}');
  });

  it('sends the error of an envelope that fails, and stores nothing', async () => {
    runs = 0;
    for (const run of [1, 2]) {
      const failed = await fetch(`${server.url}/failing/item`);
      expect(failed.status).toBe(500);
      expect(failed.headers.get('cache-control')).toBe('no-store');
      expect(await failed.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect(runs).toBe(run);
    }
  });
});
