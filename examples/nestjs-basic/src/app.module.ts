import { Module } from '@nestjs/common';
import { RouteCacheModule } from '@routecache/nestjs';
import type { Redis } from 'ioredis';
import { cacheOptions } from './cache-options';
import { HealthController } from './health.controller';
import { MeController } from './me.controller';
import { ProductsController } from './products.controller';
import { ProductsService } from './products.service';
import { REDIS_CLIENT, RedisModule } from './redis.module';

@Module({
  imports: [
    RedisModule,
    RouteCacheModule.forRootAsync({
      imports: [RedisModule],
      inject: [REDIS_CLIENT],
      useFactory: (client: Redis | null) => cacheOptions(client),
    }),
  ],
  controllers: [ProductsController, MeController, HealthController],
  providers: [ProductsService],
})
export class AppModule {}
