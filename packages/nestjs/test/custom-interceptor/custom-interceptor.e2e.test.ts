import {
  Controller,
  type ExecutionContext,
  Get,
  Inject,
  Injectable,
  Module,
  UseInterceptors,
} from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheInterceptor, RouteCacheModule, RouteCacheService } from '../../src';
import { type BootedApp, boot, PLATFORMS, readJson } from '../support/boot';

/** Skips the cache for preview requests: a protected hook overridden, as Nest users do. */
@Injectable()
class PreviewAwareInterceptor extends RouteCacheInterceptor {
  protected override isRequestCacheable(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return req.headers['x-preview'] === undefined && super.isRequestCacheable(context);
  }
}

let runs = 0;

@Controller()
class PagesController {
  @Get('page')
  @CachePolicy({ maxAge: 60 })
  page(): { run: number } {
    runs += 1;
    return { run: runs };
  }
}

/** A feature module that does not import RouteCacheModule: the service comes from the global module. */
@Controller()
class StatsController {
  constructor(@Inject(RouteCacheService) private readonly routeCache: RouteCacheService) {}

  @Get('stats')
  stats(): unknown {
    return this.routeCache.stats().routes;
  }
}

@Module({ controllers: [StatsController] })
class StatsModule {}

@Module({
  imports: [RouteCacheModule.forRoot({ interceptor: PreviewAwareInterceptor }), StatsModule],
  controllers: [PagesController],
})
class CustomInterceptorModule {}

describe.each(PLATFORMS)('a RouteCacheInterceptor subclass on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(CustomInterceptorModule, platform);
  });
  afterAll(() => server.close());

  it('is the one registered, and its hook decides', async () => {
    const first = await readJson(await fetch(`${server.url}/page`));
    const hit = await fetch(`${server.url}/page`);
    expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    expect((await readJson(hit)).run).toBe(first.run);

    const preview = await fetch(`${server.url}/page`, { headers: { 'x-preview': '1' } });
    expect(preview.headers.get('cache-status')).toBeNull();
    expect((await readJson(preview)).run).toBeGreaterThan(first.run);
  });

  it('provides RouteCacheService globally, with stats per route label', async () => {
    const routes = await readJson<Record<string, { hits: number; misses: number }>>(
      await fetch(`${server.url}/stats`),
    );
    expect(routes['GET /page']).toMatchObject({ hits: 1, misses: 1 });
  });
});

let scopedRuns = 0;

@Controller('scoped')
@CachePolicy({ maxAge: 60 })
class ScopedController {
  @Get('plain')
  plain(): { run: number } {
    scopedRuns += 1;
    return { run: scopedRuns };
  }

  @Get('intercepted')
  @UseInterceptors(RouteCacheInterceptor)
  intercepted(): { run: number } {
    scopedRuns += 1;
    return { run: scopedRuns };
  }
}

@Module({ imports: [RouteCacheModule.forRoot({ interceptor: false })], controllers: [ScopedController] })
class NoGlobalInterceptorModule {}

describe.each(PLATFORMS)('RouteCacheModule with interceptor: false on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(NoGlobalInterceptorModule, platform);
  });
  afterAll(() => server.close());

  it('caches only the routes that apply RouteCacheInterceptor themselves', async () => {
    await fetch(`${server.url}/scoped/plain`);
    const plain = await fetch(`${server.url}/scoped/plain`);
    expect(plain.headers.get('cache-status')).toBeNull();

    await fetch(`${server.url}/scoped/intercepted`);
    const intercepted = await fetch(`${server.url}/scoped/intercepted`);
    expect(intercepted.headers.get('cache-status')).toMatch(/; hit/);
  });
});
