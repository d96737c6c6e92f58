/**
 * The behaviour suite's routes (`test-support/behaviour-cases.ts`) as Nest controllers, on
 * Express or Fastify. Nest has no routes table: the table's routes carry `@CachePolicy()` on the
 * handler, and the precedence case is a method's policy over its controller's.
 */
import { Readable } from 'node:stream';
import {
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  type MessageEvent,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  NotFoundException,
  Options,
  Param,
  Post,
  Query,
  Req,
  RequestMethod,
  Res,
  Sse,
  StreamableFile,
  type Type,
} from '@nestjs/common';
import { concat, interval, map, type Observable, of, take } from 'rxjs';
import { BEHAVIOUR_ROUTES } from '../../../../test-support/behaviour-cases';
import type { BehaviourFixture } from '../../../../test-support/behaviour-fixture';
import { CachePolicy, RouteCacheModule, RouteCacheService, setResponsePolicy } from '../../src';

/** 4 chunks of 512 bytes for run `n`, a turn of the event loop apart: twice the fixture's maxBodyBytes. */
function bigStreamOf(n: number): StreamableFile {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < 4; i++) {
      yield Buffer.from(`${String(n).padStart(3, '0')}${'x'.repeat(509)}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return new StreamableFile(Readable.from(chunks()));
}

/** Express's `req` or Fastify's `request`, as far as these handlers read them. */
interface AnyRequest {
  url: string;
  originalUrl?: string;
  protocol: string;
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  raw?: unknown;
}
/** Express's `res` or Fastify's `reply`: both have `status()`. */
interface AnyResponse {
  status(code: number): unknown;
}

const TEXT = ['Content-Type', 'text/plain; charset=utf-8'] as const;

/** The path the handler serves: Express `req.originalUrl`, Fastify `request.url`, without the query. */
function pathOf(req: AnyRequest): string {
  return (req.raw ? req.url : (req.originalUrl ?? req.url)).split('?')[0]!;
}

function header(req: AnyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The behaviour suite's app module, its handlers counting their runs in `fixture`. `cacheless`:
 * the same routes with no cache in front of them (the module without its interceptor), what a
 * cached route must answer as.
 */
export function createBehaviourModule(
  fixture: BehaviourFixture,
  options: { cacheless?: boolean } = {},
): Type {
  const run = (req: AnyRequest): number => fixture.run(pathOf(req));
  const products = BEHAVIOUR_ROUTES['GET /api/products/:id'];

  @Controller('api/products')
  class ProductsController {
    @Get(':id')
    @CachePolicy(products)
    get(@Param('id') id: string, @Req() req: AnyRequest): unknown {
      return { id, run: run(req) };
    }

    @Post(':id')
    @CachePolicy(products)
    @HttpCode(200)
    @Header(...TEXT)
    update(@Param('id') id: string): string {
      return `updated ${id}`;
    }
  }

  @Controller('table')
  class TableController {
    @Get(':name')
    @CachePolicy(BEHAVIOUR_ROUTES['/table/:name'])
    @Header(...TEXT)
    get(@Req() req: AnyRequest): string {
      return `table run ${run(req)}`;
    }
  }

  @Controller('precedence')
  @CachePolicy(BEHAVIOUR_ROUTES['/precedence'])
  class PrecedenceController {
    @Get()
    @CachePolicy({ maxAge: 99, tags: ['own'] })
    @Header(...TEXT)
    get(@Req() req: AnyRequest): string {
      return `precedence run ${run(req)}`;
    }
  }

  @Controller()
  class RoutesController {
    @Get('text/:name')
    @CachePolicy({ maxAge: 30, tags: ['text'] })
    @Header(...TEXT)
    text(@Req() req: AnyRequest): string {
      return `text run ${run(req)}`;
    }

    @Get('head/:name')
    @CachePolicy({ maxAge: 30 })
    @Header(...TEXT)
    head(@Req() req: AnyRequest): string {
      return `head run ${run(req)}`;
    }

    @Get('stable')
    @CachePolicy({ maxAge: 30, tags: ['stable'] })
    @Header(...TEXT)
    stable(): string {
      return 'stable';
    }

    @Get('html')
    @CachePolicy({ maxAge: 30 })
    @Header('Content-Type', 'text/html; charset=utf-8')
    html(@Req() req: AnyRequest): string {
      return `<p>html run ${run(req)}</p>`;
    }

    @Get('utf8')
    @CachePolicy({ maxAge: 30 })
    @Header(...TEXT)
    utf8(@Req() req: AnyRequest): string {
      return `caf\u00e9 \u2615 run ${run(req)}`;
    }

    // Nest on Express sends a returned Buffer as JSON (`res.json()`): bytes go in a StreamableFile.
    @Get('bytes')
    @CachePolicy({ maxAge: 30 })
    bytes(@Req() req: AnyRequest): StreamableFile {
      return new StreamableFile(Buffer.from([0, 255, run(req)]), { type: 'application/octet-stream' });
    }

    @Get('cookie')
    @CachePolicy({ maxAge: 30 })
    @Header('Set-Cookie', 'session=abc; HttpOnly')
    @Header(...TEXT)
    cookie(@Req() req: AnyRequest): string {
      return `cookie run ${run(req)}`;
    }

    @Get('vary-star')
    @CachePolicy({ maxAge: 30 })
    @Header('Vary', '*')
    @Header(...TEXT)
    varyStar(@Req() req: AnyRequest): string {
      return `vary run ${run(req)}`;
    }

    @Get('validators')
    @CachePolicy({ maxAge: 30 })
    @Header(...TEXT)
    validators(@Req() req: AnyRequest): string {
      return `inm=${header(req, 'if-none-match') ?? '-'} ims=${header(req, 'if-modified-since') ?? '-'} run ${run(req)}`;
    }

    @Get('headers-only')
    @CachePolicy({ maxAge: 30, ttl: 0 })
    @Header(...TEXT)
    headersOnly(@Req() req: AnyRequest): string {
      return `headers-only run ${run(req)}`;
    }

    @Get('no-store-policy')
    @CachePolicy({ scope: 'no-store' })
    @Header(...TEXT)
    noStorePolicy(@Req() req: AnyRequest): string {
      return `no-store run ${run(req)}`;
    }

    @Get('own-no-store')
    @CachePolicy({ maxAge: 30 })
    @Header('Cache-Control', 'no-store')
    @Header(...TEXT)
    ownNoStore(@Req() req: AnyRequest): string {
      return `own run ${run(req)}`;
    }

    @Get('status/:code')
    @CachePolicy({ maxAge: 30 })
    @Header(...TEXT)
    status(
      @Param('code') code: string,
      @Req() req: AnyRequest,
      @Res({ passthrough: true }) res: AnyResponse,
    ): string {
      const body = `status ${code} run ${run(req)}`;
      if (Number(code) >= 400) throw new HttpException(body, Number(code));
      res.status(Number(code));
      return body;
    }

    @Get('negative')
    @CachePolicy({ maxAge: 30, negativeTtl: 30 })
    negative(@Req() req: AnyRequest): never {
      throw new NotFoundException(`negative run ${run(req)}`);
    }

    @Get('private')
    @CachePolicy({ scope: 'private', maxAge: 30, identify: (req) => req.headers('x-user') })
    @Header(...TEXT)
    private(@Req() req: AnyRequest): string {
      return `private run ${run(req)} for ${header(req, 'x-user') ?? 'nobody'}`;
    }

    @Get('reflect-host')
    @CachePolicy({ maxAge: 30 })
    @Header(...TEXT)
    reflectHost(@Req() req: AnyRequest): string {
      return `host=${header(req, 'x-forwarded-host') ?? '-'} run ${run(req)}`;
    }

    @Get('query')
    @CachePolicy({ maxAge: 30 })
    query(@Req() req: AnyRequest): unknown {
      const query = { ...(req.query as Record<string, unknown>) };
      return {
        url: req.raw ? req.url : req.originalUrl,
        query,
        utm: query.utm_source ?? null,
        run: run(req),
      };
    }

    @Get('large')
    @CachePolicy({ maxAge: 30 })
    @Header(...TEXT)
    large(@Req() req: AnyRequest): string {
      return `large run ${String(run(req)).padStart(3, '0')} ${'l'.repeat(1986)}`;
    }

    @Get('override')
    @CachePolicy({ maxAge: 30, tags: ['override'] })
    @Header(...TEXT)
    override(@Req() req: AnyRequest, @Res({ passthrough: true }) res: AnyResponse): string {
      setResponsePolicy(res, { scope: 'private', maxAge: 5 });
      return `override run ${run(req)}`;
    }

    @Get('override-stream')
    @CachePolicy({ maxAge: 30, tags: ['override'] })
    overrideStream(@Req() req: AnyRequest, @Res({ passthrough: true }) res: AnyResponse): StreamableFile {
      setResponsePolicy(res, { scope: 'private', maxAge: 5 });
      return bigStreamOf(run(req));
    }

    @Get('big-stream')
    @CachePolicy({ maxAge: 30 })
    bigStream(@Req() req: AnyRequest): StreamableFile {
      return bigStreamOf(run(req));
    }

    @Sse('sse')
    @CachePolicy({ maxAge: 30 })
    sse(): Observable<MessageEvent> {
      // Endless in practice: a heartbeat until the client goes away (bounded so nothing leaks).
      return concat(
        of({ data: 'first' }),
        interval(25).pipe(
          take(200),
          map(() => ({ data: 'tick' })),
        ),
      );
    }

    @Get('swr')
    @CachePolicy({ maxAge: 10, staleWhileRevalidate: 60 })
    @Header(...TEXT)
    swr(@Req() req: AnyRequest): string {
      return `swr run ${run(req)}`;
    }

    @Get('sie')
    @CachePolicy({ maxAge: 10, staleIfError: 60 })
    @Header(...TEXT)
    sie(@Req() req: AnyRequest): string {
      const n = run(req);
      if (n > 1) throw new Error('sie: the origin fails after its first run');
      return `sie run ${n}`;
    }

    @Get('stampede')
    @CachePolicy({ maxAge: 30 })
    @Header(...TEXT)
    async stampede(@Req() req: AnyRequest): Promise<string> {
      const n = run(req);
      await fixture.arrivals(pathOf(req), 5);
      return `stampede run ${n}`;
    }

    @Get('options')
    @CachePolicy({ maxAge: 30 })
    @Header(...TEXT)
    options(@Req() req: AnyRequest): string {
      return `options run ${run(req)}`;
    }

    @Options('options')
    @CachePolicy({ maxAge: 30 })
    @HttpCode(204)
    @Header('Allow', 'GET, HEAD, OPTIONS')
    allow(): undefined {
      return undefined;
    }
  }

  @Controller()
  class ControlsController {
    constructor(private readonly rc: RouteCacheService) {}

    @Post('invalidate')
    @HttpCode(200)
    invalidate(@Query() query: { tags?: string; urls?: string }, @Req() req: AnyRequest): Promise<unknown> {
      return fixture.invalidate(query, `${req.protocol}://${header(req, 'host')}`);
    }

    @Post('__test/advance')
    @HttpCode(200)
    @Header(...TEXT)
    advance(@Query('ms') ms: string): string {
      return String(fixture.advance(Number(ms)));
    }

    @Post('__test/settle')
    @HttpCode(200)
    @Header(...TEXT)
    async settle(): Promise<string> {
      await fixture.settle();
      return 'settled';
    }

    @Get('__test/stats')
    stats(): unknown {
      return this.rc.stats();
    }
  }

  @Module({
    imports: [
      RouteCacheModule.forRoot({ cache: fixture.cache, ...(options.cacheless && { interceptor: false }) }),
    ],
    controllers: [
      ProductsController,
      TableController,
      PrecedenceController,
      RoutesController,
      ControlsController,
    ],
  })
  class BehaviourModule implements NestModule {
    /** Counts the requests to `/stampede` before the cache sees them (Nest middleware, either platform). */
    configure(consumer: MiddlewareConsumer): void {
      consumer
        .apply((_req: unknown, _res: unknown, next: () => void) => {
          fixture.arrive('/stampede');
          next();
        })
        .forRoutes({ path: 'stampede', method: RequestMethod.GET });
    }
  }
  return BehaviourModule;
}
