/**
 * NestJS (fastify platform): the fastest any interceptor cache can answer a revalidation, an
 * interceptor that sets the headers our 304 sends, status 304, and emits no body whenever the
 * request has an `If-None-Match` (no comparison), otherwise the prebuilt hit (so the runner's
 * priming GET learns the ETag). Our 304's ratio to this is what our own code costs on a 304;
 * this one's ratio to the constant route is what Nest's interceptor machinery costs. The app is
 * built in `bench/src/nest-apps.mjs`.
 */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-fastify',
  title: 'prebuilt 304 from an interceptor (ceiling for any interceptor cache)',
  role: 'ceiling',
  path: '/r',
  conditional: true,
  expectStatus: 304,
  expectBody: 'empty',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'fastify', variant: 'floor-304-interceptor' });
}
