import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  Param,
  Version,
  VersioningType,
} from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { PolicyError } from '@routecache/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheInterceptor, RouteCacheModule, RouteCacheService } from '../../src';
import { PLATFORMS, type PlatformName, rawGet } from '../support/boot';

/** Handler runs and guard runs: a request the early door answers moves neither. */
const counts = { runs: 0, guard: 0 };

/** Denies requests carrying `x-deny`: the early door answers them anyway, as a CDN in front would. */
@Injectable()
class CountingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    counts.guard++;
    return (
      context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-deny'] === undefined
    );
  }
}

@Controller()
class EarlyController {
  @Get('public/:id')
  @CachePolicy({ maxAge: 60, tags: (req) => [`item:${req.params.id}`] })
  item(@Param('id') id: string): { id: string; run: number } {
    return { id, run: ++counts.runs };
  }

  @Get('private')
  @CachePolicy({ scope: 'private', maxAge: 60, identify: (req) => req.headers('x-user') })
  mine(): { run: number } {
    return { run: ++counts.runs };
  }

  @Get('shared')
  @CachePolicy({ maxAge: 60, shareAuthenticated: true })
  shared(): { run: number } {
    return { run: ++counts.runs };
  }

  @Get('plain')
  plain(): { run: number } {
    return { run: ++counts.runs };
  }
}

@Controller('versioned')
class VersionedController {
  @Get()
  @Version('1')
  @CachePolicy({ maxAge: 60 })
  v1(): string {
    return `v1 run ${++counts.runs}`;
  }

  @Get()
  @Version('2')
  @CachePolicy({ maxAge: 60 })
  v2(): string {
    return `v2 run ${++counts.runs}`;
  }
}

function appModule(earlyHits: boolean): unknown {
  @Module({
    imports: [RouteCacheModule.forRoot({ earlyHits })],
    controllers: [EarlyController],
    providers: [{ provide: APP_GUARD, useClass: CountingGuard }],
  })
  class EarlyModule {}
  return EarlyModule;
}

interface Booted {
  url: string;
  service: RouteCacheService;
  close(): Promise<void>;
}

async function boot(module: unknown, platform: PlatformName, setUp?: (app: never) => void): Promise<Booted> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(module as never, adapter, { logger: false, abortOnError: false });
  app.enableCors({ origin: 'https://front.example' });
  setUp?.(app as never);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, service: app.get(RouteCacheService), close: () => app.close() };
}

/** What one request did: the guard and handler runs it cost, and the response. */
async function measure(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const before = { ...counts };
  const response =
    method === 'GET'
      ? await rawGet(url, headers)
      : await fetch(url, { method, headers }).then(async (r) => ({
          status: r.status,
          headers: Object.fromEntries(r.headers),
          body: await r.text(),
        }));
  return { ...response, guard: counts.guard - before.guard, runs: counts.runs - before.runs };
}

describe.each(PLATFORMS)('early hits on %s', (platform) => {
  let app: Booted;
  beforeAll(async () => {
    app = await boot(appModule(true), platform);
  });
  afterAll(() => app.close());

  it('answers a public hit before the guards, from the entry the interceptor stored', async () => {
    const miss = await measure(`${app.url}/public/1`);
    expect(miss).toMatchObject({ status: 200, guard: 1, runs: 1 });
    expect(miss.headers['cache-status']).toMatch(/fwd=miss; .*stored/);
    const hit = await measure(`${app.url}/public/1`);
    expect(hit).toMatchObject({ status: 200, guard: 0, runs: 0, body: miss.body });
    expect(hit.headers['cache-status']).toMatch(/routecache; hit; ttl=/);
    expect(hit.headers.etag).toBe(miss.headers.etag);
    expect(hit.headers['content-type']).toBe(miss.headers['content-type']);
    expect(hit.headers['surrogate-key']).toBe('item:1');
    expect(hit.headers.age).toBeDefined();
  });

  it('does not run the guards for such hits: a request the guard denies gets the hit, as from a CDN', async () => {
    await measure(`${app.url}/public/1`);
    const denied = await measure(`${app.url}/public/1`, { 'x-deny': '1' });
    expect(denied).toMatchObject({ status: 200, guard: 0, runs: 0 });
    // A miss goes through the pipeline, where the guard denies it.
    expect(await measure(`${app.url}/public/404`, { 'x-deny': '1' })).toMatchObject({
      status: 403,
      guard: 1,
    });
  });

  it('keeps the headers middleware set before it (CORS)', async () => {
    await measure(`${app.url}/public/1`);
    const hit = await measure(`${app.url}/public/1`, { origin: 'https://front.example' });
    expect(hit).toMatchObject({ guard: 0, runs: 0 });
    expect(hit.headers['access-control-allow-origin']).toBe('https://front.example');
  });

  it('answers a conditional request with a 304 before the guards', async () => {
    const { headers } = await measure(`${app.url}/public/1`);
    const revalidated = await measure(`${app.url}/public/1`, { 'if-none-match': String(headers.etag) });
    expect(revalidated).toMatchObject({ status: 304, guard: 0, runs: 0, body: '' });
    expect(revalidated.headers.etag).toBe(headers.etag);
  });

  it('answers HEAD early once a HEAD was routed, with the GET length and no body', async () => {
    const get = await measure(`${app.url}/public/1`);
    const first = await measure(`${app.url}/public/1`, {}, 'HEAD');
    expect(first).toMatchObject({ status: 200, runs: 0 });
    const head = await measure(`${app.url}/public/1`, {}, 'HEAD');
    expect(head).toMatchObject({ status: 200, guard: 0, runs: 0, body: '' });
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
    expect(head.headers['cache-status']).toMatch(/hit/);
  });

  it('never answers a request carrying Authorization, even on a route that shares authenticated requests', async () => {
    await measure(`${app.url}/shared`);
    expect(await measure(`${app.url}/shared`)).toMatchObject({ guard: 0, runs: 0 });
    const authorized = await measure(`${app.url}/shared`, { authorization: 'Bearer t' });
    // Through the guards; the interceptor then serves the shared entry, as the policy says.
    expect(authorized).toMatchObject({ status: 200, guard: 1, runs: 0 });
    expect(authorized.headers['cache-status']).toMatch(/hit/);
    const denied = await measure(`${app.url}/public/1`, { authorization: 'Bearer t', 'x-deny': '1' });
    expect(denied).toMatchObject({ status: 403, guard: 1 });
  });

  it('never answers a private route: each hit goes through the guards and the interceptor', async () => {
    const user = { 'x-user': 'ada' };
    expect(await measure(`${app.url}/private`, user)).toMatchObject({ status: 200, guard: 1, runs: 1 });
    const hit = await measure(`${app.url}/private`, user);
    expect(hit).toMatchObject({ status: 200, guard: 1, runs: 0 });
    expect(hit.headers['cache-status']).toMatch(/hit/);
    expect(await measure(`${app.url}/private`, { ...user, 'x-deny': '1' })).toMatchObject({ status: 403 });
  });

  it('sends misses, other keys and uncached routes through the whole pipeline', async () => {
    await measure(`${app.url}/public/1`);
    expect(await measure(`${app.url}/public/2`)).toMatchObject({ guard: 1, runs: 1 });
    expect(await measure(`${app.url}/public/1?page=2`)).toMatchObject({ guard: 1, runs: 1 });
    expect(await measure(`${app.url}/plain`)).toMatchObject({ guard: 1, runs: 1 });
    expect(await measure(`${app.url}/plain`)).toMatchObject({ guard: 1, runs: 1 });
  });

  it('keys the request as the interceptor does: a forged X-Forwarded-Host goes to its own entry, through the pipeline', async () => {
    const own = await measure(`${app.url}/public/1`);
    const forged = await measure(`${app.url}/public/1`, { 'x-forwarded-host': 'evil.example' });
    expect(forged).toMatchObject({ guard: 1, runs: 1 });
    expect(forged.body).not.toBe(own.body);
  });

  it('stops answering once the entry is invalidated: the next request runs the pipeline and stores again', async () => {
    await measure(`${app.url}/public/1`);
    await app.service.invalidate({ tags: ['item:1'] });
    // A run that starts in the invalidation's millisecond does not store (the engine's race
    // guard, behaviour 8): the next run starts after it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const refilled = await measure(`${app.url}/public/1`);
    expect(refilled).toMatchObject({ guard: 1, runs: 1 });
    expect(refilled.headers['cache-status']).toMatch(/stored/);
    expect(await measure(`${app.url}/public/1`)).toMatchObject({ guard: 0, runs: 0 });
  });

  it('counts its hits in stats() under the route, like the interceptor', async () => {
    await measure(`${app.url}/public/1`);
    const before = app.service.stats().routes['GET /public/:id']?.hits ?? 0;
    await measure(`${app.url}/public/1`);
    expect(app.service.stats().routes['GET /public/:id']?.hits).toBe(before + 1);
  });
});

describe.each(PLATFORMS)('early hits off (the default) on %s', (platform) => {
  let app: Booted;
  beforeAll(async () => {
    app = await boot(appModule(false), platform);
  });
  afterAll(() => app.close());

  it('serves every hit through the guards and the interceptor', async () => {
    await measure(`${app.url}/public/1`);
    const hit = await measure(`${app.url}/public/1`);
    expect(hit).toMatchObject({ status: 200, guard: 1, runs: 0 });
    expect(hit.headers['cache-status']).toMatch(/hit/);
    expect(await measure(`${app.url}/public/1`, { 'x-deny': '1' })).toMatchObject({ status: 403 });
  });
});

describe.each(PLATFORMS)('early hits under header versioning on %s', (platform) => {
  let app: Booted;
  beforeAll(async () => {
    @Module({
      imports: [RouteCacheModule.forRoot({ earlyHits: true })],
      controllers: [VersionedController],
      providers: [{ provide: APP_GUARD, useClass: CountingGuard }],
    })
    class VersionedModule {}
    app = await boot(VersionedModule, platform, (nest: { enableVersioning(options: unknown): void }) =>
      nest.enableVersioning({ type: VersioningType.HEADER, header: 'X-Api-Version' }),
    );
  });
  afterAll(() => app.close());

  it('answers each version only from what a request for that version was routed to', async () => {
    const v1 = { 'x-api-version': '1' };
    const v2 = { 'x-api-version': '2' };
    const one = await measure(`${app.url}/versioned`, v1);
    expect(one).toMatchObject({ guard: 1, runs: 1 });
    expect(one.body).toMatch(/^v1 run/);
    expect(await measure(`${app.url}/versioned`, v1)).toMatchObject({ body: one.body, guard: 0 });
    const two = await measure(`${app.url}/versioned`, v2);
    expect(two).toMatchObject({ guard: 1, runs: 1 });
    expect(two.body).toMatch(/^v2 run/);
    expect(await measure(`${app.url}/versioned`, v2)).toMatchObject({ body: two.body, guard: 0 });
    expect(await measure(`${app.url}/versioned`, v1)).toMatchObject({ body: one.body, guard: 0 });
  });
});

/** Runs of the app's own `configure(consumer)` middleware. */
const middlewareRuns = { n: 0 };

describe.each(PLATFORMS)('early hits beside module middleware, from forRootAsync(), on %s', (platform) => {
  let app: Booted;
  beforeAll(async () => {
    @Module({
      imports: [RouteCacheModule.forRootAsync({ useFactory: () => ({}), earlyHits: true })],
      controllers: [EarlyController],
      providers: [{ provide: APP_GUARD, useClass: CountingGuard }],
    })
    class MiddlewareModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        consumer
          .apply((_req: unknown, _res: unknown, next: () => void) => {
            middlewareRuns.n++;
            next();
          })
          .forRoutes('*');
      }
    }
    app = await boot(MiddlewareModule, platform);
  });
  afterAll(() => app.close());

  it(`answers before the guards; the app's module middleware runs ${platform === 'fastify' ? 'before it (Fastify middie)' : 'after it (not for such hits)'}`, async () => {
    await measure(`${app.url}/public/7`);
    const before = middlewareRuns.n;
    expect(await measure(`${app.url}/public/7`)).toMatchObject({ status: 200, guard: 0, runs: 0 });
    expect(middlewareRuns.n - before).toBe(platform === 'fastify' ? 1 : 0);
  });
});

describe('earlyHits with a custom interceptor', () => {
  it('fails at declaration when the interceptor overrides a request hook the door cannot apply', () => {
    class PreviewInterceptor extends RouteCacheInterceptor {
      protected override isRequestCacheable(context: ExecutionContext): boolean {
        return super.isRequestCacheable(context);
      }
    }
    const declare = () => RouteCacheModule.forRoot({ earlyHits: true, interceptor: PreviewInterceptor });
    expect(declare).toThrow(PolicyError);
    expect(declare).toThrow(/isRequestCacheable/);
    expect(() =>
      RouteCacheModule.forRoot({ earlyHits: false, interceptor: PreviewInterceptor }),
    ).not.toThrow();
  });
});
