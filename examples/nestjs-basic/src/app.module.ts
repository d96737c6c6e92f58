import { Module } from '@nestjs/common';
import { RouteCacheModule } from '@routecache/nestjs';
import type { Redis } from 'ioredis';
import { cacheOptions } from './cache-options';
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
  controllers: [ProductsController, MeController],
  providers: [ProductsService],
})
export class AppModule {}
