import { Controller, Get, Module } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test } from '@nestjs/testing';
import { lastValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheInterceptor, RouteCacheModule, RouteCacheService } from '../../src';

@Controller()
class EventsController {
  @Get('events')
  @CachePolicy({ maxAge: 60 })
  events(): string {
    return 'http';
  }
}

@Module({ imports: [RouteCacheModule.forRoot({})], controllers: [EventsController] })
class ContextTypeModule {}

describe('RouteCacheInterceptor', () => {
  describe.each(['ws', 'rpc', 'graphql'])('when the context type is %s', (type) => {
    it('passes the handler result through untouched, without touching the cache', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [ContextTypeModule] }).compile();
      await moduleRef.init();
      const interceptor = moduleRef.get(RouteCacheInterceptor);
      const service = moduleRef.get(RouteCacheService);
      const context = new ExecutionContextHost(
        [{ url: '/events' }, {}],
        EventsController,
        EventsController.prototype.events,
      );
      context.setType(type);
      const payload = { message: 'from a gateway' };

      const result = await lastValueFrom(interceptor.intercept(context, { handle: () => of(payload) }));

      expect(result).toBe(payload);
      expect(service.stats()).toMatchObject({ hits: 0, misses: 0, bypass: 0 });
      await moduleRef.close();
    });
  });
});
