import type { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe } from 'vitest';
import { adversarialSuite } from '../../../../test-support/adversarial-suite';
import { RouteCacheModule } from '../../src';
import { PLATFORMS } from '../support/boot';
import { AdversarialController } from './adversarial.controller';

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [AdversarialController] })
class AdversarialModule {}

/** The rewrite before the cache: before routing, as each platform does it. */
function rewriteBefore(url: string | string[] | undefined): string | undefined {
  return typeof url === 'string' ? url : undefined;
}

describe.each(PLATFORMS)('NestJS on %s', (platform) => {
  let close: () => Promise<void>;
  let base = '';

  beforeAll(async () => {
    const adapter =
      platform === 'fastify'
        ? new FastifyAdapter({
            rewriteUrl: (req: IncomingMessage) =>
              rewriteBefore(req.headers['x-test-rewrite-before']) ?? req.url ?? '/',
          })
        : new ExpressAdapter();
    if (adapter instanceof ExpressAdapter) {
      adapter.getInstance().use((req: IncomingMessage, _res: unknown, next: () => void) => {
        const target = rewriteBefore(req.headers['x-test-rewrite-before']);
        if (target !== undefined) req.url = target;
        next();
      });
    }
    const app = await NestFactory.create(AdversarialModule, adapter, { logger: false, abortOnError: false });
    app.enableCors({ origin: ['https://good.example'] });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    close = () => app.close();
  });
  afterAll(() => close());

  adversarialSuite(`NestJS (${platform})`, () => base);
});
