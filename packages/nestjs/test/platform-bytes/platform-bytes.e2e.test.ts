import { Controller, Get, Module } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS } from '../support/boot';

/** Fastify's response schema for the documents: `secret` is not in it, so Fastify drops it. */
const DOCUMENT_SCHEMA = {
  response: {
    200: { type: 'object', properties: { id: { type: 'string' }, html: { type: 'string' } } },
  },
};
const DOCUMENT = { id: 'a', secret: 'not for clients', html: '<b>&</b>' };

/** Each route twice: with a policy and without, so that the cache's bytes can be compared with the platform's. */
@Controller()
class DocumentsController {
  @Get('cached/document')
  @CachePolicy({ maxAge: 60 })
  @RouteSchema(DOCUMENT_SCHEMA)
  cachedDocument(): unknown {
    return DOCUMENT;
  }

  @Get('uncached/document')
  @RouteSchema(DOCUMENT_SCHEMA)
  uncachedDocument(): unknown {
    return DOCUMENT;
  }

  @Get('cached/null')
  @CachePolicy({ maxAge: 60 })
  cachedNull(): null {
    return null;
  }

  @Get('uncached/null')
  uncachedNull(): null {
    return null;
  }
}

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [DocumentsController] })
class PlatformBytesModule {}

interface Sent {
  status: number;
  type: string | null;
  length: string | null;
  body: string;
  cacheStatus: string | null;
}

async function get(url: string): Promise<Sent> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    length: response.headers.get('content-length'),
    body: await response.text(),
    cacheStatus: response.headers.get('cache-status'),
  };
}

describe.each(PLATFORMS)('the bytes a cached route sends on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(PlatformBytesModule, platform);
    // Express settings are read per response: `res.json()` indents and escapes from now on.
    if (platform === 'express') {
      const express = server.app.getHttpAdapter().getInstance() as {
        set(name: string, value: unknown): void;
      };
      express.set('json spaces', 2);
      express.set('json escape', true);
    }
  });
  afterAll(() => server.close());

  /** The uncached answer, then the cached route's miss and hit, which must equal it. */
  async function compare(path: string): Promise<Sent> {
    const platformAnswer = await get(`${server.url}/uncached/${path}`);
    const miss = await get(`${server.url}/cached/${path}`);
    const hit = await get(`${server.url}/cached/${path}`);
    expect(miss.cacheStatus).toMatch(/; fwd=miss;.*stored/);
    expect(hit.cacheStatus).toMatch(/; hit/);
    for (const sent of [miss, hit]) {
      expect({ ...sent, cacheStatus: null }).toEqual({ ...platformAnswer, cacheStatus: null });
    }
    return platformAnswer;
  }

  it("stores a document as the platform serializes it (Express's json settings, Fastify's response schema)", async () => {
    const sent = await compare('document');
    if (platform === 'fastify') expect(JSON.parse(sent.body)).toEqual({ id: 'a', html: '<b>&</b>' });
    else
      expect(sent.body).toBe(
        '{\n  "id": "a",\n  "secret": "not for clients",\n  "html": "\\u003cb\\u003e\\u0026\\u003c/b\\u003e"\n}',
      );
  });

  it('sends a null result as the platform does (Fastify: JSON null; Express: an empty body)', async () => {
    const sent = await compare('null');
    expect(sent.body).toBe(platform === 'fastify' ? 'null' : '');
  });
});
