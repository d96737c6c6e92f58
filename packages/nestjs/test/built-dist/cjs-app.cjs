// A Nest app in plain CommonJS that loads the built `dist/index.cjs` (and `@routecache/core`'s
// built CJS), run by built-dist.e2e.test.ts in a child process, outside vitest's resolution.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ExpressAdapter } = require('@nestjs/platform-express');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const lib = require('../../dist/index.cjs');

class ShopController {
  constructor(routeCache) {
    this.routeCache = routeCache;
  }
  shop() {
    return { open: true, service: this.routeCache instanceof lib.RouteCacheService };
  }
}
const shop = Object.getOwnPropertyDescriptor(ShopController.prototype, 'shop');
Reflect.decorate([Get('shop'), lib.CachePolicy({ maxAge: '5m' })], ShopController.prototype, 'shop', shop);
// What a compiler emitting decorator metadata writes for the constructor.
const Shop = Reflect.decorate(
  [Controller(), Reflect.metadata('design:paramtypes', [lib.RouteCacheService])],
  ShopController,
);

class AppModule {}
const App = Reflect.decorate(
  [Module({ imports: [lib.RouteCacheModule.forRoot({})], controllers: [Shop] })],
  AppModule,
);

async function main() {
  const adapter = process.argv[2] === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(App, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}/shop`;
  const answers = [];
  for (let i = 0; i < 2; i++) {
    const response = await fetch(url);
    answers.push({
      body: await response.json(),
      cacheControl: response.headers.get('cache-control'),
      cacheStatus: response.headers.get('cache-status'),
    });
  }
  await app.close();
  process.stdout.write(JSON.stringify(answers));
}

main().catch((error) => {
  process.stderr.write(String(error?.stack));
  process.exit(1);
});
