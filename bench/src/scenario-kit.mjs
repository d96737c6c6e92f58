/** Helpers the scenarios share: Redis, a set of app instances, timed requests. */
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort, startRedis } from './redis.mjs';
import { startSubject } from './subject-process.mjs';

export const APPS_DIR = fileURLToPath(new URL('../scenarios/apps/', import.meta.url));

/** Starts Redis or throws "not available: …". */
export async function requireRedis() {
  const redis = await startRedis();
  if ('unavailable' in redis) throw new Error(`not available: no Redis: ${redis.unavailable}`);
  return redis;
}

/**
 * Starts `count` instances of a scenario app; throws "not available: …" when the app cannot run.
 * @returns {Promise<Array<Awaited<ReturnType<typeof startSubject>>>>}
 */
export async function startInstances(app, count, { redisUrl, env, core } = {}) {
  const instances = [];
  try {
    for (let i = 0; i < count; i++) {
      const proc = await startSubject({
        file: `${APPS_DIR}${app}`,
        port: await freePort(),
        redisUrl,
        env,
        core,
      });
      if ('unavailable' in proc) throw new Error(`not available: ${proc.unavailable}`);
      instances.push(proc);
    }
  } catch (error) {
    await stopAll(instances);
    throw error;
  }
  return instances;
}

export async function stopAll(instances) {
  await Promise.all(instances.map((i) => i.stop()));
}

/** Sum of the handler runs of all instances. */
export async function totalHandlerCalls(instances) {
  const counts = await Promise.all(instances.map((i) => i.handlerCalls()));
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * The Host every scenario request carries: the cache keys by host, and the instances listen on
 * different ports, so without one shared name each instance would have its own keys.
 */
export const SHARED_HOST = 'shop.example';

/**
 * One GET, timed (with `Host: shop.example` unless `headers` say otherwise). `agent` defaults to a keep-alive agent per port; pass `false` for a fresh
 * connection. Resolves status, headers, body and latency in ms.
 */
export function timedGet(port, path, { agent, headers } = {}) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers: { host: SHARED_HOST, ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            sentAt: started,
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A keep-alive agent with one socket: requests through it are strictly sequential. */
export function sequentialAgent() {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}
