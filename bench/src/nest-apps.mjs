/**
 * The NestJS subjects' apps, written without decorator syntax (plain `.mjs` runs without a
 * build step; `Reflect.decorate` applies the same decorators TypeScript would). Each
 * `bench/subjects/nest-<platform>-<variant>.mjs` is one line calling `startNestSubject()`.
 */
import 'reflect-metadata';
import { Controller, Get, Header, Module, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { of } from 'rxjs';
import { connectRedis, importPackage } from './serve.mjs';
import { BODY, HIT_HEADERS, NOT_MODIFIED_HEADERS, originCpu, originTimer } from './workload.mjs';

/** Applies class and method decorators the way TypeScript's emitted `__decorate` does. */
function decorate(target, classDecorators, methods = {}) {
  for (const [name, decorators] of Object.entries(methods)) {
    const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name);
    const result = Reflect.decorate(decorators, target.prototype, name, descriptor);
    Object.defineProperty(target.prototype, name, result ?? descriptor);
  }
  return Reflect.decorate(classDecorators, target);
}

function constController() {
  class ConstController {
    constant() {
      return BODY;
    }
  }
  return decorate(ConstController, [Controller()], {
    constant: [Get('/const'), Header('content-type', 'application/json; charset=utf-8')],
  });
}

function originController(work, extra = []) {
  class OriginController {
    async r() {
      return work();
    }
  }
  return decorate(OriginController, [Controller()], { r: [Get('/r'), ...extra] });
}

function module(imports, controllers) {
  class AppModule {}
  return decorate(AppModule, [Module({ imports, controllers })]);
}

/** Builds the root module of one variant. */
async function buildModule(variant, redisUrl) {
  switch (variant) {
    case 'const':
    case 'const-etag':
      return { module: module([], [constController()]) };
    case 'origin-timer':
      return { module: module([], [originController(originTimer)]) };
    case 'origin-cpu':
      return { module: module([], [originController(async () => originCpu())]) };
    case 'l1-hit':
    case 'early-hit':
    case 'early-304':
    case '304':
    case 'l2-hit': {
      const { RouteCacheModule, CachePolicy } = await importPackage('@routecache/nestjs');
      let options = {};
      let client;
      if (variant === 'l2-hit') {
        const { redisStore } = await importPackage('@routecache/core/redis');
        client = await connectRedis(redisUrl);
        options = { store: redisStore({ client, prefix: `routecache-bench:nest-l2:${process.pid}:` }) };
      }
      const controller = originController(originTimer, [CachePolicy({ maxAge: 3600 })]);
      if (variant === 'early-hit' || variant === 'early-304') options = { earlyHits: true };
      return { module: module([RouteCacheModule.forRoot(options)], [controller]), client };
    }
    case 'floor-interceptor':
    case 'floor-304-interceptor': {
      // The fastest any interceptor cache can answer a hit: headers set, the prebuilt body emitted.
      // The 304 variant answers every request with an `If-None-Match` (no comparison) with the
      // headers of our 304, status 304 and no body, as our interceptor hands it to Nest; the
      // priming GET (no validator) gets the prebuilt hit, so the runner learns the ETag.
      const answers304 = variant === 'floor-304-interceptor';
      class PrebuiltHitInterceptor {
        intercept(context) {
          const req = context.getArgByIndex(0);
          const res = context.getArgByIndex(1);
          const revalidation = answers304 && req.headers['if-none-match'] !== undefined;
          for (const [name, value] of Object.entries(revalidation ? NOT_MODIFIED_HEADERS : HIT_HEADERS)) {
            if (typeof res.setHeader === 'function') res.setHeader(name, value);
            else res.header(name, value);
          }
          if (!revalidation) return of(BODY);
          if (typeof res.code === 'function') res.code(304);
          else res.statusCode = 304;
          return of(undefined);
        }
      }
      const controller = originController(originTimer, [UseInterceptors(new PrebuiltHitInterceptor())]);
      return { module: module([], [controller]) };
    }
    case 'cache-manager': {
      const { CacheModule, CacheInterceptor } = await importPackage('@nestjs/cache-manager');
      const controller = originController(originTimer, [UseInterceptors(CacheInterceptor)]);
      // cache-manager 7 takes milliseconds.
      return { module: module([CacheModule.register({ ttl: 3_600_000 })], [controller]) };
    }
    default:
      throw new Error(`unknown Nest variant ${variant}`);
  }
}

/**
 * Starts one Nest variant on one platform. On the Express platform, `const` and the
 * `floor-*` ceilings turn Express's own ETag off (ceilings, as for plain Express); every other
 * variant keeps Nest's defaults.
 */
export async function startNestSubject({ platform, variant, port, redisUrl }) {
  const { module: root, client } = await buildModule(variant, redisUrl);
  let adapter;
  if (platform === 'fastify') {
    const { FastifyAdapter } = await importPackage('@nestjs/platform-fastify');
    adapter = new FastifyAdapter();
  } else {
    adapter = new ExpressAdapter();
    if (variant === 'const' || variant.startsWith('floor-')) adapter.getInstance().set('etag', false);
  }
  const app = await NestFactory.create(root, adapter, { logger: false, abortOnError: false });
  await app.listen(port, '127.0.0.1');
  return {
    close: async () => {
      await app.close();
      client?.disconnect();
    },
  };
}
