/**
 * The staleness bounds the README's "Multiple instances" section states ("How stale, at most"),
 * in ms, per phase of the workload (a fault kind, or `'none'`), for the defaults the instances
 * run with (bus heartbeat 1 s). Where each comes from in the code:
 *
 * - **Bus healthy**: `invalidate()` resolves after Redis acknowledged the `PUBLISH`, which Redis
 *   answers only after queuing the message for every subscriber's connection; each instance
 *   drops the entries from its L1 as it reads the message (and an L2 answer that raced it is not
 *   written back). So the bound is one delivery: asserted as `DELIVERY_MS`.
 * - **Bus down and detected** (the subscriber connection closes or reconnects: Redis killed, the
 *   pub/sub client killed, the connection reset): L1 is dropped and bypassed from that event on
 *   (`redisBus` `close`/`reconnecting` → `tieredStore` `onHealth(false)`): also one delivery.
 * - **Messages held or lost while the connection looks fine** (Redis paused, latency, a one-way
 *   blackhole, the instance itself paused): the bus notices that its own heartbeat did not come
 *   back within 3 heartbeats (checked every heartbeat), or a gap in another instance's sequence
 *   numbers older than 3 heartbeats (the next heartbeat shows the gap): at most 5 heartbeats,
 *   then L1 is dropped and bypassed. Asserted as `5 × HEARTBEAT_MS + DELIVERY_MS`.
 * - **Redis unreachable**: `invalidate()` rejects, so no bound is promised for that write; the
 *   bus is down meanwhile (L1 bypassed) and L2 misses, and the next resolved invalidation binds.
 * - Whatever happens, no L1 copy outlives `l1Ttl` (60 s).
 */
import type { CheckReport } from './checker';

/** `redisBus({ heartbeatMs })` in the instances (the default). */
export const HEARTBEAT_MS = 1000;
/** One bus delivery plus an event-loop turn on a loaded 2-core machine, generously. */
export const DELIVERY_MS = 1000;
const HEALTHY = DELIVERY_MS;
const UNNOTICED_LOSS = 5 * HEARTBEAT_MS + DELIVERY_MS;

export const BOUNDS_MS: Record<string, number> = {
  none: HEALTHY,
  maxmemory: HEALTHY,
  // An evicting policy: an entry whose tag set was evicted reads as a miss, and a write whose
  // race guard may have been evicted is dropped (redis-scripts.ts), so the bus bound holds.
  'maxmemory-evict': HEALTHY,
  'kill-mid-write': HEALTHY,
  'redis-kill': HEALTHY,
  'pubsub-kill': HEALTHY,
  'proxy-reset': HEALTHY,
  'client-pause': UNNOTICED_LOSS,
  'proxy-delay': UNNOTICED_LOSS,
  'proxy-blackhole': UNNOTICED_LOSS,
  'instance-stop': UNNOTICED_LOSS,
  // A master killed: the bus subscriber on it sees its connection close (one delivery); one
  // subscribed elsewhere may lose the messages PUBLISHed through the dying node (heartbeat gap).
  'cluster-failover': UNNOTICED_LOSS,
  // A slot moved: the bus is untouched; an entry whose tag set is on the other side reads as a miss.
  'slot-migrate': HEALTHY,
};

/** The report as a few lines of text (per phase: counts and staleness), for logs. */
export function describeReport(report: CheckReport, durationMs: number): string {
  const lines = [`consistency: ${(durationMs / 1000).toFixed(1)} s`];
  for (const p of [...report.phases, report.total]) {
    lines.push(
      `${p.phase.padEnd(16)} faults=${p.faults} reads=${p.reads} unanswered=${p.unanswered} writes=${p.writes} invalidations=${p.invalidations} (expire ${p.expireInvalidations}) stale=${p.stale} staleness p50=${p.staleness.p50.toFixed(0)} p99=${p.staleness.p99.toFixed(0)} max=${p.staleness.max.toFixed(0)} ms (bound ${p.boundMs}) latency p99=${p.latency.p99.toFixed(0)} max=${p.latency.max.toFixed(0)} ms violations=${p.counts.violations} leaks=${p.counts.leaks} 5xx=${p.counts.serverErrors} mismatches=${p.counts.mismatches}`,
    );
    for (const list of [p.violations, p.leaks, p.serverErrors, p.mismatches]) {
      for (const text of list.slice(0, 5)) if (p.phase !== 'all') lines.push(`  ${text}`);
    }
  }
  return lines.join('\n');
}
