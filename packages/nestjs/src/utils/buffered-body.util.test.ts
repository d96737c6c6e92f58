import { Controller, Get, Header, Module, StreamableFile } from '@nestjs/common';
import { isPlainObject } from '@nestjs/common/utils/shared.utils';
import { HttpAdapterHost } from '@nestjs/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BootedApp, boot, PLATFORMS } from '../../test/support/boot';
import { CachePolicy } from '../decorators';
import { RouteCacheModule } from '../route-cache.module';
import { BufferedBody, sendBufferedBodies } from './buffered-body.util';

/** Bytes that are not UTF-8, so that a body decoded and re-encoded on the way would differ. */
const BYTES = Uint8Array.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x0a]);
/** ASCII: Fastify gets it as a string. */
const ASCII = new TextEncoder().encode('{"hello":"world"}\n');
/** Over the size Express gets in one write with the head. */
const LARGE = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 7) % 256);

@Controller()
class BytesController {
  @Get('untyped')
  untyped(): BufferedBody {
    return new BufferedBody(BYTES);
  }

  @Get('ascii')
  ascii(): BufferedBody {
    return new BufferedBody(ASCII);
  }

  @Get('large')
  large(): BufferedBody {
    return new BufferedBody(LARGE);
  }

  @Get('typed')
  @Header('content-type', 'image/x-test')
  typed(): BufferedBody {
    return new BufferedBody(BYTES);
  }
}

@Module({ controllers: [BytesController] })
class BytesModule {}

@Controller()
class CachedController {
  @Get('cached')
  @CachePolicy({ maxAge: 60 })
  cached(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ imports: [RouteCacheModule.forRoot()], controllers: [CachedController] })
class CachedModule {}

async function get(url: string, method = 'GET') {
  const response = await fetch(url, { method });
  return { response, body: new Uint8Array(await response.arrayBuffer()) };
}

describe('BufferedBody', () => {
  // Nest's router asks isPlainObject() of every value it sends; for a class instance with its own
  // `constructor` that stringifies the class (~135 ns and a string per hit).
  it("is no plain object to Nest's router without reading its class's source", () => {
    const body = new BufferedBody(ASCII);
    const sourceText = vi.spyOn(Function.prototype, 'toString');
    try {
      expect(isPlainObject(body)).toBe(false);
      expect(sourceText).not.toHaveBeenCalled();
    } finally {
      sourceText.mockRestore();
    }
    expect(body).toBeInstanceOf(StreamableFile);
    expect(body).toBeInstanceOf(BufferedBody);
    expect(body.getStream().read()).toEqual(Buffer.from(ASCII));
  });
});

describe.each(PLATFORMS)('sendBufferedBodies on %s', (platform) => {
  let prepared: BootedApp;
  let unprepared: BootedApp;

  beforeAll(async () => {
    prepared = await boot(BytesModule, platform);
    sendBufferedBodies(prepared.app.get(HttpAdapterHost).httpAdapter);
    unprepared = await boot(BytesModule, platform);
  });
  afterAll(async () => {
    await prepared.close();
    await unprepared.close();
  });
  afterEach(() => vi.restoreAllMocks());

  it('sends the bytes without opening a stream, as octet-stream with their length', async () => {
    const getStream = vi.spyOn(BufferedBody.prototype, 'getStream');
    const { response, body } = await get(`${prepared.url}/untyped`);
    expect(response.status).toBe(200);
    expect(body).toEqual(BYTES);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(BYTES.length));
    expect(getStream).not.toHaveBeenCalled();
  });

  it('sends an ASCII body byte for byte, still as octet-stream', async () => {
    const { response, body } = await get(`${prepared.url}/ascii`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(ASCII.length));
    expect(body).toEqual(ASCII);
  });

  it('sends a large body byte for byte', async () => {
    const { response, body } = await get(`${prepared.url}/large`);
    expect(response.headers.get('content-length')).toBe(String(LARGE.length));
    expect(body).toEqual(LARGE);
  });

  it('keeps the Content-Type set before it', async () => {
    const { response, body } = await get(`${prepared.url}/typed`);
    expect(response.headers.get('content-type')).toBe('image/x-test');
    expect(body).toEqual(BYTES);
  });

  it('answers a HEAD with the length and no body', async () => {
    const { response, body } = await get(`${prepared.url}/untyped`, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(BYTES.length));
    expect(body).toHaveLength(0);
  });

  it('is streamed byte for byte, with the same headers, by an adapter it did not prepare', async () => {
    const getStream = vi.spyOn(BufferedBody.prototype, 'getStream');
    const fast = await get(`${prepared.url}/untyped`);
    const streamed = await get(`${unprepared.url}/untyped`);
    expect(streamed.body).toEqual(fast.body);
    for (const name of ['content-type', 'content-length'])
      expect(streamed.response.headers.get(name)).toBe(fast.response.headers.get(name));
    expect(getStream).toHaveBeenCalled();
  });
});

describe.each(PLATFORMS)('a cache hit on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(CachedModule, platform);
  });
  afterAll(() => server.close());
  afterEach(() => vi.restoreAllMocks());

  it('is sent as bytes: the interceptor prepared the adapter', async () => {
    const miss = await get(`${server.url}/cached`);
    const getStream = vi.spyOn(BufferedBody.prototype, 'getStream');
    const hit = await get(`${server.url}/cached`);
    expect(hit.response.headers.get('cache-status')).toMatch(/; hit/);
    expect(hit.body).toEqual(miss.body);
    expect(JSON.parse(new TextDecoder().decode(hit.body))).toEqual({ hello: 'world' });
    expect(getStream).not.toHaveBeenCalled();
  });
});
