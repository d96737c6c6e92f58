/** NestJS (fastify platform): constant route (ceiling). The app is built in `bench/src/nest-apps.mjs`. */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-fastify',
  title: 'constant route (ceiling)',
  role: 'ceiling',
  baseline: true,
  path: '/const',
  expectStatus: 200,
  expectBody: 'document',
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'fastify', variant: 'const' });
}
