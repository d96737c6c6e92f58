import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
// Value imports, not `import type`: Nest injects by the emitted `design:paramtypes` (biome.json turns
// useImportType off for Nest code).
import { CachePolicy, NoCache, RouteCacheService } from '@routecache/nestjs';
import { type Product, ProductsService } from './products.service';

@Controller('api/products')
// Every route of the controller: browsers 1 minute, shared caches 5 minutes, then served stale
// for 30 s while the handler runs again in the background.
@CachePolicy({ maxAge: 60, sMaxAge: '5m', staleWhileRevalidate: 30, tags: ['products'] })
export class ProductsController {
  constructor(
    private readonly products: ProductsService,
    private readonly routeCache: RouteCacheService,
  ) {}

  @Get()
  list(): Product[] {
    return this.products.list();
  }

  @Get(':id')
  @CachePolicy({
    maxAge: 60,
    sMaxAge: '5m',
    staleWhileRevalidate: 30,
    tags: (req) => [`product:${req.params.id}`],
  })
  findOne(@Param('id') id: string): Product {
    return this.products.get(id);
  }

  @Post(':id')
  @NoCache()
  @HttpCode(200)
  async update(@Param('id') id: string, @Body() changes: Partial<Omit<Product, 'id'>>): Promise<Product> {
    const product = this.products.update(id, changes);
    // The product page and the list are stale now, on every instance.
    await this.routeCache.invalidate({ tags: [`product:${id}`, 'products'] });
    return product;
  }
}
