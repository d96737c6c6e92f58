/**
 * vitest globalSetup of the 'redis' project: one shared standalone server and one shared
 * 3-master + 3-replica cluster for the whole run, handed to tests with `provide('redis', …)`.
 *
 * `REDIS_URL` (e.g. `redis://127.0.0.1:6379`) and `REDIS_CLUSTER_NODES` (e.g.
 * `127.0.0.1:7000,127.0.0.1:7001`) point the tests at existing servers instead.
 * Without them `redis-server` must be installed: the setup throws otherwise (tests never skip).
 */
import type { TestProject } from 'vitest/node';
import {
  type RedisCluster,
  type RedisServer,
  removeRunData,
  startCluster,
  startRedis,
} from './redis-servers';

/** Environment (read through one alias: these variables are for the test harness, not turbo tasks). */
const env: NodeJS.ProcessEnv = process.env;

function parseNodes(value: string): { host: string; port: number }[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [host, port] = part.replace(/^redis:\/\//, '').split(':');
      return { host: host || '127.0.0.1', port: Number(port) };
    });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let standalone: RedisServer | undefined;
  let cluster: RedisCluster | undefined;
  try {
    if (!env.REDIS_URL) standalone = await startRedis();
    if (!env.REDIS_CLUSTER_NODES) cluster = await startCluster();
    const url = standalone?.url ?? (env.REDIS_URL as string);
    const clusterNodes = cluster?.startupNodes ?? parseNodes(env.REDIS_CLUSTER_NODES as string);
    project.provide('redis', { url, clusterNodes });
  } catch (error) {
    await Promise.all([standalone?.stop(), cluster?.stop()]);
    throw error;
  }
  return async () => {
    await Promise.all([standalone?.stop(), cluster?.stop()]);
    removeRunData();
  };
}
