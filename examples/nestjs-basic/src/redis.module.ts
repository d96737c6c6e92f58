import { Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { recommendedRedisOptions } from '@routecache/nestjs/redis';
import { Redis } from 'ioredis';

/** The app's Redis client, or `null` when `REDIS_URL` is not set (memory store only). */
export const REDIS_CLIENT: unique symbol = Symbol('REDIS_CLIENT');

@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      useFactory: async (): Promise<Redis | null> => {
        if (!process.env.REDIS_URL) return null;
        // The recommended options disable the offline queue (a down Redis is a miss, at once),
        // so connect before the app takes requests.
        const client = new Redis(process.env.REDIS_URL, { ...recommendedRedisOptions, lazyConnect: true });
        // Commands fail fast while Redis is down; the cache turns that into misses.
        client.on('error', (error: Error) => new Logger('Redis').warn(error.message));
        await client.connect();
        return client;
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}
