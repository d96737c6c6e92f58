/**
 * Runs one subject in its own process: `node bench/src/host.mjs <subject file>` with `PORT`
 * (and `REDIS_URL` when a redis-server is up). The runner starts it pinned to one core and talks
 * to it over the IPC channel:
 *   → { type: 'ready', port, cpuPid }    the server listens (`cpuPid`: the process whose CPU the
 *                                        runner measures, when not this one: workerd)
 *   → { type: 'unavailable', reason }    the subject cannot run here (a package or Redis is missing)
 *   ← { type: 'calls', id }              → { type: 'reply', id, value: handler runs so far }
 *   ← { type: 'invoke', id, name, args } → { type: 'reply', id, value } calls the subject's `control[name]`
 *   ← { type: 'close' }                  closes the server and exits (so `--cpu-prof` is written)
 */
import { pathToFileURL } from 'node:url';
import { handlerCalls } from './workload.mjs';

const file = process.argv[2];
const port = Number(process.env.PORT);
const redisUrl = process.env.REDIS_URL || undefined;

function send(message) {
  if (process.send) process.send(message);
  else console.log(JSON.stringify(message));
}

function reasonOf(error) {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].replace(/^not available:\s*/i, '');
}

let running;
try {
  const subject = await import(pathToFileURL(file).href);
  running = await subject.start({ port, redisUrl, env: process.env });
} catch (error) {
  send({ type: 'unavailable', reason: reasonOf(error) });
  process.exit(0);
}

async function shutdown() {
  try {
    await Promise.race([running?.close?.(), new Promise((r) => setTimeout(r, 2000))]);
  } finally {
    process.exit(0);
  }
}

process.on('message', async (message) => {
  if (message.type === 'close') return shutdown();
  if (message.type === 'calls') return send({ type: 'reply', id: message.id, value: handlerCalls.n });
  if (message.type === 'invoke') {
    try {
      const fn = running?.control?.[message.name];
      if (!fn) throw new Error(`subject has no control "${message.name}"`);
      send({ type: 'reply', id: message.id, value: await fn(...(message.args ?? [])) });
    } catch (error) {
      send({ type: 'reply', id: message.id, error: reasonOf(error) });
    }
  }
});
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('disconnect', shutdown);

send({ type: 'ready', port, cpuPid: running?.cpuPid });
