/**
 * NestJS (fastify platform): routecache L1 hit through the opt-in early door (`earlyHits: true`), which
 * answers public fresh hits before Nest's guards, pipes and interceptors. Measured against the
 * constant Nest route. The app is built in `bench/src/nest-apps.mjs`.
 */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-fastify',
  title: 'routecache L1 hit, early door (earlyHits)',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
  target: { ratio: 0.9 },
  compare: ['nest-fastify-l1-hit'],
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'fastify', variant: 'early-hit' });
}
