/** Runs wrk pinned to a core and parses its report. */
import { spawn } from 'node:child_process';

const UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME_UNITS = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Parses wrk's text report (with `--latency`). Latencies in milliseconds. */
export function parseWrk(text) {
  const num = (re) => {
    const m = text.match(re);
    return m ? Number(m[1]) : undefined;
  };
  const time = (label) => {
    const m = text.match(new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm'));
    return m ? Number(m[1]) * TIME_UNITS[m[2]] : undefined;
  };
  const total = text.match(/(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)(B|KB|MB|GB|TB) read/);
  const errors = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    requests: total ? Number(total[1]) : 0,
    seconds: total ? (Number(total[2]) * TIME_UNITS[total[3]]) / 1000 : 0,
    bytesRead: total ? Number(total[4]) * UNITS[total[5]] : 0,
    rps: num(/Requests\/sec:\s+([\d.]+)/) ?? 0,
    p50: time('50'),
    p99: time('99'),
    socketErrors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    socketErrorDetail: errors ? errors[0] : '',
    non2xx3xx: num(/Non-2xx or 3xx responses: (\d+)/) ?? 0,
  };
}

/**
 * @param {{ url: string, seconds: number, connections: number, threads?: number, headers?: Record<string,string>,
 *   script?: string, scriptArgs?: string[], core?: number }} options
 * @returns {Promise<ReturnType<typeof parseWrk> & { raw: string }>}
 */
export function runWrk(options) {
  const args = [
    '-t',
    String(options.threads ?? 1),
    '-c',
    String(options.connections),
    '-d',
    `${options.seconds}s`,
  ];
  args.push('--latency', '--timeout', '5s');
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.script) args.push('-s', options.script);
  args.push(options.url);
  if (options.scriptArgs?.length) args.push('--', ...options.scriptArgs);
  const command = options.core === undefined ? 'wrk' : 'taskset';
  const fullArgs = options.core === undefined ? args : ['-c', String(options.core), 'wrk', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`wrk exited ${code}: ${out.trim().split('\n').pop()}`));
      else resolve({ ...parseWrk(out), raw: out });
    });
  });
}
