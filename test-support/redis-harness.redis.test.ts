import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertRedisInstalled,
  cleanupPrefix,
  closeClients,
  connect,
  connectCluster,
  rawCommand,
  redisTopology,
  startRedis,
  uniquePrefix,
} from './redis-harness';

afterAll(closeClients);

describe('redis harness', () => {
  it('fails with the install hint when redis-server is missing', () => {
    expect(() => assertRedisInstalled('/nonexistent/redis-server')).toThrow(
      'redis-server not found: install it with `apt-get install redis-server` (npm test does this automatically when run as root)',
    );
  });

  it('provides a standalone server and a cluster that answer', async () => {
    const { url, clusterNodes } = redisTopology();
    expect(await (await connect(url)).ping()).toBe('PONG');
    expect(clusterNodes.length).toBeGreaterThanOrEqual(1);
    const cluster = await connectCluster(clusterNodes);
    expect(cluster.nodes('master')).toHaveLength(3);
    expect(await cluster.cluster('INFO')).toContain('cluster_state:ok');
  });

  it('starts, kills, restarts and stops an extra server by PID, leaving no process behind', async () => {
    const server = await startRedis({ maxmemory: '5mb', maxmemoryPolicy: 'noeviction' });
    const firstPid = server.pid;
    const client = await connect(server.url);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    await server.kill();
    expect(server.running).toBe(false);
    expect(existsSync(`/proc/${firstPid}`)).toBe(false);
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(await rawCommand(server.port, ['PING'])).toBe('PONG');
    const pid = server.pid;
    await server.stop();
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  it('cleans a prefix with SCAN + UNLINK on every master and leaves other keys alone', async () => {
    const cluster = await connectCluster();
    const prefix = uniquePrefix('h');
    const other = uniquePrefix('h');
    await Promise.all(Array.from({ length: 200 }, (_, i) => cluster.set(`${prefix}${i}`, 'x')));
    await cluster.set(`${other}keep`, 'y');
    expect(await cleanupPrefix(cluster, prefix)).toBe(200);
    expect(await cleanupPrefix(cluster, prefix)).toBe(0);
    expect(await cluster.get(`${other}keep`)).toBe('y');
    await cleanupPrefix(cluster, other);
  });
});
