import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createCache, memoryStore, PolicyError } from '@routecache/core';
import { describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { PLATFORMS } from '../support/boot';

@Controller('reports')
class ReportsController {
  @Get()
  list(): string {
    return 'fine until the first request';
  }

  @Get('mine')
  @CachePolicy({ scope: 'private', sMaxAge: 60 })
  mine(): string {
    return 'mine';
  }
}

@Controller('broken')
@CachePolicy({ maxAge: -5 })
class BrokenClassController {
  @Get()
  list(): string {
    return 'broken';
  }
}

@Module({ imports: [RouteCacheModule.forRoot({ maxBodyBytes: -1 })], controllers: [] })
class InvalidOptionsModule {}

@Module({
  imports: [RouteCacheModule.forRoot({ cache: createCache(), store: memoryStore() })],
  controllers: [],
})
class CacheWithStoreModule {}

@Module({ imports: [RouteCacheModule.forRoot({})], controllers: [ReportsController] })
class InvalidMethodPolicyModule {}

@Module({ imports: [RouteCacheModule.forRoot({})], controllers: [BrokenClassController] })
class InvalidClassPolicyModule {}

async function start(module: unknown, platform: (typeof PLATFORMS)[number]): Promise<unknown> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  let app: Awaited<ReturnType<typeof NestFactory.create>> | undefined;
  try {
    app = await NestFactory.create(module as never, adapter, { logger: false, abortOnError: false });
    await app.init();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app?.close().catch(() => undefined);
  }
}

describe.each(PLATFORMS)('an invalid @CachePolicy on %s', (platform) => {
  it('fails start-up with a PolicyError naming the controller, the method and the field', async () => {
    const error = await start(InvalidMethodPolicyModule, platform);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).field).toBe('sMaxAge');
    expect((error as Error).message).toContain('ReportsController.mine()');
    expect((error as Error).message).toContain('sMaxAge');
  });

  it('names the controller for a class-level policy', async () => {
    const error = await start(InvalidClassPolicyModule, platform);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).field).toBe('maxAge');
    expect((error as Error).message).toContain('BrokenClassController');
  });
});

describe.each(PLATFORMS)('invalid module options on %s', (platform) => {
  it('fail start-up with a PolicyError naming the option', async () => {
    const error = await start(InvalidOptionsModule, platform);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).field).toBe('maxBodyBytes');
  });

  it('fail start-up when a cache option comes with `cache`, which would ignore it', async () => {
    const error = await start(CacheWithStoreModule, platform);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).field).toBe('store');
  });
});
