import {
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Redirect,
  Res,
} from '@nestjs/common';
// Value imports, not `import type`: Nest injects by the emitted `design:paramtypes` (biome.json turns
// useImportType off for Nest code).
import { CachePolicy, NoCache, RouteCacheService } from '../../src';
import { CatalogueService } from './catalogue.service';

interface PassthroughResponse {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

@Controller('api/products')
@CachePolicy({ maxAge: 60, sMaxAge: '5m', tags: ['products'] })
export class CatalogueController {
  // Injected by type: needs `design:paramtypes`, emitted by the transform.
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly routeCache: RouteCacheService,
  ) {}

  @Get()
  @Header('X-Catalogue', 'v1')
  list(@Query('page') page?: string): { page: string; run: number } {
    return { page: page ?? '1', run: this.catalogue.product('list').run };
  }

  @Get('text')
  text(): string {
    return `plain ${this.catalogue.product('text').run}`;
  }

  @Get('accepted')
  @HttpCode(203)
  accepted(): { run: number } {
    return { run: this.catalogue.product('accepted').run };
  }

  @Get('old')
  @Redirect('/api/products', 301)
  old(): void {
    this.catalogue.product('old');
  }

  @Get('live')
  @NoCache()
  live(): { run: number } {
    return { run: this.catalogue.product('live').run };
  }

  @Get('cookie')
  @Header('Set-Cookie', 'session=abc; Path=/')
  cookie(): { run: number } {
    return { run: this.catalogue.product('cookie').run };
  }

  @Get('passthrough')
  passthrough(@Res({ passthrough: true }) res: PassthroughResponse): { run: number } {
    res.status(200);
    res.header('x-handler', 'set');
    return { run: this.catalogue.product('passthrough').run };
  }

  @Get('search')
  search(@Query() query: Record<string, string>): { query: Record<string, string>; run: number } {
    return { query, run: this.catalogue.product('search').run };
  }

  @Get('missing')
  missing(): never {
    this.catalogue.product('missing');
    throw new NotFoundException('No such product');
  }

  @Get('gone')
  @CachePolicy({ maxAge: 60, negativeTtl: 30 })
  gone(): never {
    this.catalogue.product('gone');
    throw new NotFoundException('No such product');
  }

  @Get(':id')
  @CachePolicy({ maxAge: 30, tags: (req) => [`product:${req.params.id}`] })
  findOne(@Param('id') id: string): { id: string; name: string; run: number } {
    return this.catalogue.product(id);
  }

  /** Unsafe, under the class policy: the engine invalidates the URL's GET entry on success. */
  @Post(':id')
  @HttpCode(200)
  touch(@Param('id') id: string): { touched: string } {
    return { touched: id };
  }

  @Post('invalidate/:tag')
  @NoCache()
  @HttpCode(200)
  async invalidate(@Param('tag') tag: string): Promise<{ keys: number; tags: number }> {
    return this.routeCache.invalidate({ tags: [tag] });
  }
}
