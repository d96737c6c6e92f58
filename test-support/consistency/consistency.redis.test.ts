/**
 * Invalidation consistency under faults, the short version (`pnpm bench --scenario consistency`
 * is the long one): 3 instances (2 Express, 1 Hono; the Hono one reaches Redis through the fault
 * proxy), readers and a writer for ~55 s with a fixed seed, every fault kind injected once or more
 * in turn (an evicting maxmemory-policy included); the checker
 * must find no read past its bound, no leak, no cache-caused 5xx, no mismatched answer.
 */
import { describe, expect, it } from 'vitest';
import { startRedis } from '../redis-harness';
import { BOUNDS_MS, describeReport } from './bounds';
import { checkHistory } from './checker';
import { runWorkload, STANDARD_WORKLOAD } from './workload';

describe('invalidation consistency under faults', () => {
  it('serves no version older than its bound after invalidate() resolved, leaks nothing, fails nothing', async () => {
    const redis = await startRedis();
    const { history, durationMs } = await runWorkload({
      ...STANDARD_WORKLOAD,
      redis,
      durationMs: 55_000,
      seed: 16,
      log: (line) => console.log(line),
    });
    const report = checkHistory(history, { boundMs: (phase) => BOUNDS_MS[phase] ?? BOUNDS_MS.none! });
    console.log(describeReport(report, durationMs));
    expect(new Set(history.faults.map((f) => f.kind))).toEqual(new Set(STANDARD_WORKLOAD.faults));
    expect(report.total.invalidations).toBeGreaterThan(100);
    // A fault whose window saw no read would prove nothing about it.
    for (const phase of report.phases) expect([phase.phase, phase.reads > 0]).toEqual([phase.phase, true]);
    expect(report.total.violations).toEqual([]);
    expect(report.total.leaks).toEqual([]);
    expect(report.total.serverErrors).toEqual([]);
    expect(report.total.mismatches).toEqual([]);
  }, 150_000);
});
