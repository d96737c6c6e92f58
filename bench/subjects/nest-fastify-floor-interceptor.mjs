/**
 * NestJS (fastify platform): the fastest any interceptor cache can answer a hit, an interceptor that
 * sets the headers our hit sends and emits the prebuilt body (no lookup, no logic). Our L1 hit's
 * ratio to this is what our own code costs; this one's ratio to the constant route is what Nest's
 * interceptor machinery and the caching headers cost. The app is built in `bench/src/nest-apps.mjs`.
 */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-fastify',
  title: 'prebuilt hit from an interceptor (ceiling for any interceptor cache)',
  role: 'ceiling',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'fastify', variant: 'floor-interceptor' });
}
