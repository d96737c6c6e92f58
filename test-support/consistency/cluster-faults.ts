/**
 * The Redis Cluster faults of the consistency workload, on a cluster `startCluster()` started:
 *
 * - `killMaster`: SIGKILL the master serving a slot that holds the workload's entries, wait for
 *   its replica to take over, start it again (it rejoins as a replica) and wait for the cluster
 *   to be healthy and synced.
 * - `migrateSlot`: move such a slot to another master the way `redis-cli --cluster reshard`
 *   does, `CLUSTER SETSLOT … IMPORTING` / `MIGRATING`, `MIGRATE … KEYS` a few keys at a time with
 *   pauses (so clients meet `ASK` and `TRYAGAIN` for a while), then `SETSLOT … NODE` everywhere.
 *
 * Admin commands go over plain ioredis connections to one node each (not the cluster client).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { RedisCluster, RedisServer } from '../redis-servers';

const HOST = '127.0.0.1';

async function withNode<T>(node: RedisServer, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ host: HOST, port: node.port, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** The running masters, by node id. */
async function masters(cluster: RedisCluster): Promise<{ id: string; node: RedisServer }[]> {
  const anyNode = cluster.nodes.find((n) => n.running)!;
  const text = await withNode(anyNode, (c) => c.call('CLUSTER', 'NODES') as Promise<string>);
  const found: { id: string; node: RedisServer }[] = [];
  for (const line of text.split('\n')) {
    const [id, address, flags] = line.trim().split(' ');
    if (!id || !flags?.includes('master') || flags.includes('fail')) continue;
    const port = Number(address?.split('@')[0]?.split(':')[1]);
    const node = cluster.nodes.find((n) => n.port === port && n.running);
    if (node) found.push({ id, node });
  }
  return found;
}

/**
 * A slot holding the workload's keys under `prefix` (entries, tag sets, guards; picked with
 * `random`), or undefined when there are none yet.
 */
export async function slotWithEntries(
  cluster: RedisCluster,
  prefix: string,
  random: () => number,
): Promise<number | undefined> {
  const slots = new Set<number>();
  for (const { node } of await masters(cluster)) {
    await withNode(node, async (client) => {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) slots.add(Number(await client.call('CLUSTER', 'KEYSLOT', key)));
      } while (cursor !== '0');
    });
  }
  const list = [...slots].sort((a, b) => a - b);
  return list[Math.floor(random() * list.length)];
}

/** Kills the master of `slot`, waits for the failover, restarts it; resolves a description. */
export async function killMaster(cluster: RedisCluster, slot: number): Promise<string> {
  const master = await cluster.masterOf(slot);
  await master.kill();
  // the replica takes over after cluster-node-timeout (1 s in the test cluster)
  await cluster.waitHealthy(30_000);
  const promoted = await cluster.masterOf(slot);
  await master.restart();
  await cluster.waitHealthy(30_000);
  return `slot ${slot}: master ${master.port} killed, ${promoted.port} promoted, ${master.port} back as a replica`;
}

/** A slot being moved from one master to another (`openSlotMigration()`). */
export interface SlotMigration {
  readonly slot: number;
  readonly source: { readonly id: string; readonly node: RedisServer };
  readonly target: { readonly id: string; readonly node: RedisServer };
  readonly masters: readonly { readonly id: string; readonly node: RedisServer }[];
}

/** `CLUSTER SETSLOT … IMPORTING` on another master, then `MIGRATING` on the slot's master. */
export async function openSlotMigration(cluster: RedisCluster, slot: number): Promise<SlotMigration> {
  const all = await masters(cluster);
  const sourceNode = await cluster.masterOf(slot);
  const source = all.find((m) => m.node === sourceNode)!;
  const target = all.find((m) => m.node !== sourceNode)!;
  await withNode(target.node, (c) => c.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id));
  await withNode(source.node, (c) => c.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id));
  return { slot, source, target, masters: all };
}

/**
 * `MIGRATE`s these keys of the slot to the target. No REPLACE: a key on both sides (BUSYKEY)
 * would mean a script created a key in the migrating slot on the source, which declared keys
 * rule out: the call fails on it.
 */
export async function migrateKeys(migration: SlotMigration, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await withNode(migration.source.node, (c) =>
    c.call('MIGRATE', HOST, migration.target.node.port, '', 0, 5000, 'KEYS', ...keys),
  );
}

/** `SETSLOT … NODE` on the target, then the source, then the others (as redis-cli does); waits until healthy. */
export async function closeSlotMigration(cluster: RedisCluster, migration: SlotMigration): Promise<void> {
  const { slot, source, target, masters: all } = migration;
  for (const { node } of [target, source, ...all.filter((m) => m !== source && m !== target)]) {
    await withNode(node, (c) => c.call('CLUSTER', 'SETSLOT', slot, 'NODE', target.id));
  }
  await cluster.waitHealthy(30_000);
}

/** The keys of the migrating slot still on the source (at most `count`). */
export function keysLeftInSlot(migration: SlotMigration, count: number): Promise<string[]> {
  return withNode(
    migration.source.node,
    (c) => c.call('CLUSTER', 'GETKEYSINSLOT', migration.slot, count) as Promise<string[]>,
  );
}

/** Moves `slot` to another master under load, 3 keys every 150 ms; resolves a description. */
export async function migrateSlot(cluster: RedisCluster, slot: number): Promise<string> {
  const migration = await openSlotMigration(cluster, slot);
  let moved = 0;
  for (let i = 0; i < 500; i++) {
    const keys = await keysLeftInSlot(migration, 3);
    if (keys.length === 0) break;
    await migrateKeys(migration, keys);
    moved += keys.length;
    await sleep(150);
  }
  await closeSlotMigration(cluster, migration);
  return `slot ${slot}: ${moved} keys moved from ${migration.source.node.port} to ${migration.target.node.port}`;
}
