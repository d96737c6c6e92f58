import { Readable } from 'node:stream';
import { Controller, Get, Module, StreamableFile } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, RouteCacheModule } from '../../src';
import { type BootedApp, boot, PLATFORMS } from '../support/boot';

const MAX_BODY_BYTES = 1024;
let runs = 0;

/** A file of `size` bytes in chunks of 256, each byte the run number, so that runs can be told apart. */
function file(size: number): StreamableFile {
  runs += 1;
  const run = runs;
  const chunks = Array.from({ length: Math.ceil(size / 256) }, (_, i) =>
    Buffer.alloc(Math.min(256, size - i * 256), run),
  );
  return new StreamableFile(Readable.from(chunks), { type: 'application/pdf', disposition: 'inline' });
}

@Controller('files')
@CachePolicy({ maxAge: 60 })
class FilesController {
  @Get('small')
  small(): StreamableFile {
    return file(600);
  }

  @Get('chunks')
  async *chunks(): AsyncGenerator<string> {
    runs += 1;
    yield `run ${runs}: `;
    yield 'streamed';
  }

  @Get('large')
  large(): StreamableFile {
    return file(5000);
  }
}

@Module({
  imports: [RouteCacheModule.forRoot({ maxBodyBytes: MAX_BODY_BYTES })],
  controllers: [FilesController],
})
class StreamableFileModule {}

describe.each(PLATFORMS)('a streamed body on %s', (platform) => {
  let server: BootedApp;

  beforeAll(async () => {
    server = await boot(StreamableFileModule, platform);
  });
  afterAll(() => server.close());

  it('is cached with its type and disposition when it fits maxBodyBytes', async () => {
    const miss = await fetch(`${server.url}/files/small`);
    const missBody = Buffer.from(await miss.arrayBuffer());
    expect(missBody).toHaveLength(600);
    const hit = await fetch(`${server.url}/files/small`);
    expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    expect(hit.headers.get('content-type')).toBe('application/pdf');
    expect(hit.headers.get('content-disposition')).toBe('inline');
    expect(Buffer.from(await hit.arrayBuffer()).equals(missBody)).toBe(true);
  });

  it('is streamed through whole, and not stored, when it is larger', async () => {
    const first = await fetch(`${server.url}/files/large`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const firstBody = Buffer.from(await first.arrayBuffer());
    expect(firstBody).toHaveLength(5000);

    const second = await fetch(`${server.url}/files/large`);
    expect(second.headers.get('cache-status')).not.toMatch(/; hit/);
    const secondBody = Buffer.from(await second.arrayBuffer());
    expect(secondBody).toHaveLength(5000);
    expect(secondBody[0]).toBeGreaterThan(firstBody[0]!);
  });

  it('passes an async iterable through with the policy headers, without storing it', async () => {
    const first = await fetch(`${server.url}/files/chunks`);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const firstBody = await first.text();
    expect(firstBody).toMatch(/^run \d+: streamed$/);
    const second = await fetch(`${server.url}/files/chunks`);
    expect(second.headers.get('cache-status')).not.toMatch(/; hit/);
    expect(await second.text()).not.toBe(firstBody);
  });
});
