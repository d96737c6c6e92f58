/** NestJS (fastify platform): @nestjs/cache-manager CacheInterceptor hit (peer). The app is built in `bench/src/nest-apps.mjs`. */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-fastify',
  title: '@nestjs/cache-manager CacheInterceptor hit (peer)',
  role: 'peer',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  cached: true,
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'fastify', variant: 'cache-manager' });
}
