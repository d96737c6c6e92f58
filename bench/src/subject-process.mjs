/**
 * Starts a subject in its own Node process (pinned to a core with taskset) through
 * `src/host.mjs`, and talks to it over IPC: handler-run counter, controls, shutdown.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REGISTER } from './snapshot.mjs';

const HOST = fileURLToPath(new URL('./host.mjs', import.meta.url));

/**
 * @param {{ file: string, port: number, core?: number, redisUrl?: string, nodeArgs?: string[],
 *   env?: Record<string,string>, startTimeoutMs?: number }} options
 * @returns {Promise<{ unavailable: string } | SubjectProcess>}
 */
export async function startSubject(options) {
  const nodeArgs = ['--import', REGISTER, ...(options.nodeArgs ?? []), HOST, options.file];
  const env = { ...process.env, ...options.env, PORT: String(options.port), NODE_ENV: 'production' };
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  else delete env.REDIS_URL;
  const [command, args] =
    options.core === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(options.core), process.execPath, ...nodeArgs]];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
  let output = '';
  child.stdout.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  child.stderr.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  const pending = new Map();
  let nextId = 1;
  child.on('message', (message) => {
    if (message.type !== 'reply') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.value);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const first = await Promise.race([
    new Promise((resolve) => child.on('message', (m) => m.type !== 'reply' && resolve(m))),
    exited.then(({ code, signal }) => ({ type: 'exit', code, signal })),
    new Promise((resolve) =>
      setTimeout(() => resolve({ type: 'timeout' }), options.startTimeoutMs ?? 20_000),
    ),
  ]);
  if (first.type === 'unavailable') {
    await exited;
    return { unavailable: first.reason };
  }
  if (first.type !== 'ready') {
    child.kill('SIGKILL');
    const last = output.trim().split('\n').slice(-3).join(' | ');
    throw new Error(
      `subject ${options.file} did not start (${first.type}${first.code ? ` ${first.code}` : ''}): ${last}`,
    );
  }

  function request(message) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ ...message, id });
      setTimeout(() => {
        if (pending.delete(id)) reject(new Error(`no IPC reply to ${message.type} within 10 s`));
      }, 10_000).unref();
    });
  }

  return {
    pid: child.pid,
    /** The process doing the serving, whose CPU is measured: the subject's own, or its workerd. */
    cpuPid: first.cpuPid ?? child.pid,
    port: options.port,
    output: () => output,
    /** Handler runs so far in the subject process. */
    handlerCalls: () => request({ type: 'calls' }),
    /** Calls `control[name](...args)` exported by the subject's `start()`. */
    invoke: (name, ...args) => request({ type: 'invoke', name, args }),
    /** Asks the subject to close and exit; kills it after `graceMs`. */
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
