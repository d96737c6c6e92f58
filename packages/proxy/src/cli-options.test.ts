import { describe, expect, it } from 'vitest';
import { parseProxyArgs } from './cli-options';

describe('parseProxyArgs', () => {
  it('applies the defaults', () => {
    expect(parseProxyArgs(['--upstream', 'http://127.0.0.1:3000'])).toEqual({
      upstream: 'http://127.0.0.1:3000',
      port: 8080,
      host: '0.0.0.0',
      store: 'memory',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'rc:',
      timeoutMs: 30000,
      maxBodyBytes: undefined,
    });
  });

  it('reads every option', () => {
    expect(
      parseProxyArgs([
        '--upstream=http://u',
        '--port=0',
        '--host=127.0.0.1',
        '--store=redis',
        '--redis-url=redis://r:1',
        '--timeout-ms=500',
        '--max-body-bytes=10',
      ]),
    ).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      store: 'redis',
      redisUrl: 'redis://r:1',
      timeoutMs: 500,
      maxBodyBytes: 10,
    });
  });

  it.each([
    [[], /--upstream/],
    [['--upstream=http://u', '--store=disk'], /--store/],
    [['--upstream=http://u', '--port=-1'], /--port/],
    [['--upstream=http://u', '--timeout-ms=0'], /--timeout-ms/],
  ])('rejects %j naming the option', (argv, message) => {
    expect(() => parseProxyArgs(argv)).toThrow(message);
  });

  it('answers help', () => {
    expect(parseProxyArgs(['--help'])).toBe('help');
  });
});
