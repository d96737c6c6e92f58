/**
 * Invalidation consistency on a Redis Cluster, the short version (`pnpm bench --scenario
 * consistency` runs the long one): the same 3 instances, readers and writer as the standalone run
 * on its own 3-master/3-replica Cluster, for ~35 s with a fixed seed, while a master holding the
 * workload's slots is killed (failover) and a slot is migrated under load (ASK/TRYAGAIN); the
 * checker must find no read past its bound, no leak, no cache-caused 5xx, no mismatched answer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type RedisCluster, startCluster } from '../redis-harness';
import { BOUNDS_MS, describeReport } from './bounds';
import { checkHistory } from './checker';
import { CLUSTER_WORKLOAD, runWorkload } from './workload';

let cluster: RedisCluster | undefined;
afterAll(async () => {
  await cluster?.stop();
});

describe('invalidation consistency on a Redis Cluster under failover and resharding', () => {
  it('serves no version older than its bound after invalidate() resolved, leaks nothing, fails nothing', async () => {
    cluster = await startCluster();
    const { history, durationMs } = await runWorkload({
      ...CLUSTER_WORKLOAD,
      cluster,
      durationMs: 35_000,
      seed: 16,
      log: (line) => console.log(line),
    });
    const report = checkHistory(history, { boundMs: (phase) => BOUNDS_MS[phase] ?? BOUNDS_MS.none! });
    console.log(describeReport(report, durationMs));
    expect(new Set(history.faults.map((f) => f.kind))).toEqual(new Set(CLUSTER_WORKLOAD.faults));
    expect(report.total.invalidations).toBeGreaterThan(100);
    // A fault whose window saw no read would prove nothing about it.
    for (const phase of report.phases) expect([phase.phase, phase.reads > 0]).toEqual([phase.phase, true]);
    expect(report.total.violations).toEqual([]);
    expect(report.total.leaks).toEqual([]);
    expect(report.total.serverErrors).toEqual([]);
    expect(report.total.mismatches).toEqual([]);
  }, 150_000);
});
