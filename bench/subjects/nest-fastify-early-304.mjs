/**
 * NestJS (fastify platform): routecache 304 (If-None-Match) through the opt-in early door
 * (`earlyHits: true`), which answers public fresh hits and their revalidations before Nest's
 * guards, pipes and interceptors. Measured against the constant Nest route. The app is built in
 * `bench/src/nest-apps.mjs`.
 */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-fastify',
  title: 'routecache 304 (If-None-Match), early door (earlyHits)',
  role: 'ours',
  path: '/r',
  conditional: true,
  expectStatus: 304,
  expectBody: 'empty',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
  target: { ratio: 1.0 },
  compare: ['nest-fastify-304'],
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'fastify', variant: 'early-304' });
}
