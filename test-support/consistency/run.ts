/**
 * The consistency workload as a command (the long run, for `pnpm bench --scenario consistency`):
 *
 * ```sh
 * node --import ./test-support/source-hooks.ts --conditions=source test-support/consistency/run.ts 300000 16
 * ```
 *
 * Arguments: run length in ms (default 300 000), seed (default 16), and optionally the faults to
 * inject, comma-separated (default: the standard run's; Cluster faults alone, e.g.
 * `cluster-failover,slot-migrate`, run on a 3-master/3-replica Cluster instead). Starts its own
 * redis-server (or Cluster) on loopback (stopped by PID at the end), runs the faults in turn, prints progress on
 * stderr and the checker's report as one JSON line on stdout.
 */
import { startCluster, startRedis } from '../redis-servers';
import { BOUNDS_MS, describeReport } from './bounds';
import { checkHistory } from './checker';
import { CLUSTER_FAULT_KINDS, FAULT_KINDS, type FaultKind, runWorkload, STANDARD_WORKLOAD } from './workload';

const durationMs = Number(process.argv[2] ?? 300_000);
const seed = Number(process.argv[3] ?? 16);
const faults = process.argv[4] ? (process.argv[4].split(',') as FaultKind[]) : STANDARD_WORKLOAD.faults;
for (const kind of faults) {
  if (!FAULT_KINDS.includes(kind))
    throw new Error(`unknown fault ${kind} (known: ${FAULT_KINDS.join(', ')})`);
}
const onCluster = faults.some((kind) => CLUSTER_FAULT_KINDS.includes(kind));
if (onCluster && !faults.every((kind) => CLUSTER_FAULT_KINDS.includes(kind))) {
  throw new Error(`Cluster faults (${CLUSTER_FAULT_KINDS.join(', ')}) run on their own`);
}
const redis = onCluster ? await startCluster() : await startRedis();
try {
  const { history, durationMs: ran } = await runWorkload({
    ...STANDARD_WORKLOAD,
    faults,
    ...(onCluster
      ? { cluster: redis as Awaited<ReturnType<typeof startCluster>> }
      : { redis: redis as Awaited<ReturnType<typeof startRedis>> }),
    durationMs,
    seed,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const report = checkHistory(history, { boundMs: (phase) => BOUNDS_MS[phase] ?? BOUNDS_MS.none! });
  process.stderr.write(`${describeReport(report, ran)}\n`);
  process.stdout.write(`${JSON.stringify({ durationMs: ran, seed, report })}\n`);
} finally {
  await redis.stop();
}
