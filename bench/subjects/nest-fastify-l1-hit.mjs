/** NestJS (fastify platform): routecache L1 hit. The app is built in `bench/src/nest-apps.mjs`. */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-fastify',
  title: 'routecache L1 hit',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
  target: { ratio: 0.95 },
  peers: ['nest-fastify-cache-manager'],
  compare: ['nest-fastify-floor-interceptor'],
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'fastify', variant: 'l1-hit' });
}
