import { parseArgs } from 'node:util';

/** What the `routecache-proxy` command line asks for. */
export interface ProxyCliOptions {
  readonly upstream: string;
  readonly port: number;
  readonly host: string;
  readonly store: 'memory' | 'redis';
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number | undefined;
}

/** `routecache-proxy --help`. */
export const USAGE: string = `Usage: routecache-proxy --upstream <url> [options]

  --upstream <url>        origin to forward to (http:// or https://), required
  --port <n>              port to listen on (0: a free one)              default 8080
  --host <addr>           address to listen on                           default 0.0.0.0
  --store memory|redis    where entries live                             default memory
  --redis-url <url>       Redis for --store redis (L1 memory + L2 Redis + bus)
                                                                         default redis://127.0.0.1:6379
  --redis-prefix <p>      key prefix in Redis                            default rc:
  --timeout-ms <n>        upstream head / body-silence timeout, ms       default 30000
  --max-body-bytes <n>    largest body stored, bytes                     default 1048576
`;

/**
 * Parses the command line (`process.argv.slice(2)`); throws a `TypeError` naming the option
 * when a value is missing or invalid.
 */
export function parseProxyArgs(argv: readonly string[]): ProxyCliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      upstream: { type: 'string' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '0.0.0.0' },
      store: { type: 'string', default: 'memory' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      'redis-prefix': { type: 'string', default: 'rc:' },
      'timeout-ms': { type: 'string', default: '30000' },
      'max-body-bytes': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (!values.upstream) throw new TypeError('--upstream: required (the origin URL)');
  const store = values.store;
  if (store !== 'memory' && store !== 'redis')
    throw new TypeError(`--store: must be memory or redis, got ${store}`);
  return {
    upstream: values.upstream,
    port: readInteger('--port', values.port, 0),
    host: values.host,
    store,
    redisUrl: values['redis-url'],
    redisPrefix: values['redis-prefix'],
    timeoutMs: readInteger('--timeout-ms', values['timeout-ms'], 1),
    maxBodyBytes:
      values['max-body-bytes'] === undefined
        ? undefined
        : readInteger('--max-body-bytes', values['max-body-bytes'], 0),
  };
}

function readInteger(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new TypeError(`${name}: must be an integer >= ${min}, got ${value}`);
  return Number(value);
}
