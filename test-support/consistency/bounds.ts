/**
 * The staleness bounds the README's "Multiple instances" section states, in ms, per phase of the
 * workload (a fault kind, or `'none'`), for the defaults the instances run with (bus heartbeat
 * 1 s, so a loss is detected within 3 heartbeats plus one tick). See the README for where each
 * comes from in the code.
 */
import type { CheckReport } from './checker';

export const BOUNDS_MS: Record<string, number> = {
  none: 5000,
};

/** The report as a few lines of text (per phase: counts and staleness), for logs. */
export function describeReport(report: CheckReport, durationMs: number): string {
  const lines = [`consistency: ${(durationMs / 1000).toFixed(1)} s`];
  for (const p of [...report.phases, report.total]) {
    lines.push(
      `${p.phase.padEnd(16)} faults=${p.faults} reads=${p.reads} unanswered=${p.unanswered} writes=${p.writes} invalidations=${p.invalidations} stale=${p.stale} staleness p50=${p.staleness.p50.toFixed(0)} p99=${p.staleness.p99.toFixed(0)} max=${p.staleness.max.toFixed(0)} ms (bound ${p.boundMs}) latency p99=${p.latency.p99.toFixed(0)} max=${p.latency.max.toFixed(0)} ms violations=${p.violations.length} leaks=${p.leaks.length} 5xx=${p.serverErrors.length} mismatches=${p.mismatches.length}`,
    );
    for (const list of [p.violations, p.leaks, p.serverErrors, p.mismatches]) {
      for (const text of list.slice(0, 5)) if (p.phase !== 'all') lines.push(`  ${text}`);
    }
  }
  return lines.join('\n');
}
