/**
 * Invalidation consistency under faults (issue 16): 3 instances (2 Express, 1 Hono on
 * @hono/node-server, the Hono one reaching Redis through a TCP fault proxy) on memory L1 + Redis
 * L2 + Redis bus, 6 readers and a writer (version bump in a file "database", then `invalidate()`
 * through an instance), every fault of `test-support/consistency/workload.ts` in turn; the
 * checker (`test-support/consistency/checker.ts`) judges the history against the README's bounds.
 *
 * Then the same instances on a 3-master/3-replica Redis Cluster (no proxy) while a master is
 * killed (failover) and a slot is migrated under load, in turn.
 *
 * Runs `test-support/consistency/run.ts` as a child process per topology (it starts and stops its
 * own redis-server or Cluster). Length: `CONSISTENCY_SECONDS` (default 300; 60 with --quick) on
 * the standalone server, `CONSISTENCY_CLUSTER_SECONDS` (default 120; 40 with --quick) on the Cluster.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNNER = resolve(ROOT, 'test-support/consistency/run.ts');
const HOOKS = resolve(ROOT, 'test-support/source-hooks.ts');
const REDIS = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

const CLUSTER_FAULTS = 'cluster-failover,slot-migrate';

function runChild(durationMs, log, faults) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        HOOKS,
        '--conditions=source',
        RUNNER,
        String(durationMs),
        '16',
        ...(faults ? [faults] : []),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      for (const line of String(chunk).split('\n')) if (line) log(`  ${line}`);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), durationMs + 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1);
      if (code !== 0 || !last) reject(new Error(`consistency run exited with ${code}`));
      else resolveRun(JSON.parse(last));
    });
  });
}

const ms = (v) => `${Math.round(v)} ms`;

export const consistency = {
  title:
    'Invalidation consistency under faults: no stale read past its bound (3 instances, every fault kind)',
  async run(config, log) {
    if (!existsSync(REDIS)) throw new Error(`not available: no redis-server at ${REDIS}`);
    const seconds = Number(process.env.CONSISTENCY_SECONDS ?? (config.quick ? 60 : 300));
    const clusterSeconds = Number(process.env.CONSISTENCY_CLUSTER_SECONDS ?? (config.quick ? 40 : 120));
    const standalone = await runChild(seconds * 1000, log);
    const cluster = await runChild(clusterSeconds * 1000, log, CLUSTER_FAULTS);
    const row = (p) =>
      `| ${p.phase === 'all' ? '**all**' : p.phase} | ${p.faults} | ${p.reads} | ${p.unanswered} | ${p.writes} | ${p.invalidations} | ${p.expireInvalidations ?? 0} | ${ms(p.boundMs)} | ${p.stale} | ${ms(p.staleness.p50)} / ${ms(p.staleness.p99)} / ${ms(p.staleness.max)} | ${p.counts.violations} | ${p.counts.leaks} | ${p.counts.serverErrors} | ${p.counts.mismatches} | ${ms(p.latency.p99)} / ${ms(p.latency.max)} |`;
    const header = [
      '| phase | faults | reads | unanswered | writes | invalidations resolved | of which expire mode | bound | stale reads | staleness p50 / p99 / max | violations | private leaks | 5xx | body/ETag/length mismatches | read latency p99 / max |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ];
    const table = ({ report }) => [...header, ...[...report.phases, report.total].map(row)];
    const examples = [standalone, cluster].flatMap(({ report }) => [
      ...report.total.violations,
      ...report.total.leaks,
      ...report.total.serverErrors,
      ...report.total.mismatches,
    ]);
    const lines = [
      `**Standalone Redis**, ${(standalone.durationMs / 1000).toFixed(0)} s, seed ${standalone.seed}: 3 instances (2 Express, 1 Hono through the fault proxy) on memory L1 + Redis L2 + bus;`,
      '6 readers (public and private routes, 8 keys, 3 users) and a writer (every 40 ms: bump a version, then `invalidate()`; a third of them, picked by the seed, in `expire` mode, which the routes, having no grace window, must hold to the same bounds).',
      'A read belongs to the fault whose window (injection to the next fault) it started in; "none" is before the first fault.',
      '`maxmemory-evict` switches Redis to `allkeys-lru` just below the memory in use, so it evicts on every write.',
      '',
      ...table(standalone),
      '',
      `**Redis Cluster** (3 masters, 3 replicas, \`cluster-node-timeout\` 1 s), ${(cluster.durationMs / 1000).toFixed(0)} s, seed ${cluster.seed}: the same instances, readers and writer, every instance on the Cluster directly;`,
      "`cluster-failover` SIGKILLs the master of a slot holding the workload's keys, waits for its replica to take over, restarts it (it rejoins as a replica);",
      '`slot-migrate` moves such a slot to another master (`SETSLOT IMPORTING`/`MIGRATING`, `MIGRATE` 3 keys every 150 ms, `SETSLOT NODE`).',
      '',
      ...table(cluster),
      '',
      'Staleness: how long after the first resolved invalidation of a newer version a read that saw the older one started.',
      '"Unanswered": the instance was killed or paused (connection refused, reset or timed out), not a cache failure.',
      "Read latency max near 5 s: misses that waited for another instance's lock holder whose entry never came (its Redis write failed or was refused), for the whole `lock.wait` (5 s).",
      ...(examples.length ? ['', 'Found:', ...examples.slice(0, 10).map((e) => `- ${e}`)] : []),
    ];
    return { markdown: lines.join('\n'), data: { standalone, cluster } };
  },
};
