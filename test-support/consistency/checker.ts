/**
 * The consistency checker: a pure function over a recorded history of reads, writes and faults
 * (Jepsen-style: the workload records, the checker judges afterwards).
 *
 * - A **write** bumped a key's version in the shared database and then called `invalidate()` on
 *   the key's tag through one instance; `ok` says whether that invalidation resolved, `end` is
 *   when the client had the answer (so the invalidation had resolved by then).
 * - A **read** asked one instance for a key and recorded what it got.
 * - A **violation** is a read that started more than the bound after an invalidation resolved
 *   and still saw a version older than that write's. Writes per key are serialized by the
 *   workload, so versions and resolution times grow together.
 * - **Staleness** of a read that saw an old version: how long after the first resolved
 *   invalidation of a newer version it started. Reads that started before any such resolution
 *   are not stale (they raced the write).
 * - Reads are grouped by **phase**: the fault whose window (from its start to the next fault's
 *   start) holds the read's start, or `'none'`.
 */

/** One GET as the client saw it. */
export interface ReadOp {
  readonly route: 'public' | 'private';
  readonly key: string;
  /** The user of a private read (`x-user`). */
  readonly user?: string;
  readonly instance: string;
  /** Client clock, ms. */
  readonly start: number;
  readonly end: number;
  /** 0 when the request failed (connection refused, reset, timeout). */
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** One write: version bump + `invalidate()` through an instance. */
export interface WriteOp {
  readonly key: string;
  readonly version: number;
  readonly instance: string;
  readonly start: number;
  readonly end: number;
  /** True when the instance answered that `invalidate()` resolved. */
  readonly ok: boolean;
  /** The `invalidate()` mode (default `'delete'`). */
  readonly mode?: 'delete' | 'expire';
}

/** A fault window: `start` when it was injected, `end` when it was healed. */
export interface FaultOp {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
}

export interface History {
  readonly reads: readonly ReadOp[];
  readonly writes: readonly WriteOp[];
  readonly faults: readonly FaultOp[];
}

export interface CheckOptions {
  /** The staleness bound in ms for reads of a phase (a fault kind or `'none'`). */
  readonly boundMs: (phase: string) => number;
}

/** What the checker found in one phase. */
export interface PhaseReport {
  readonly phase: string;
  readonly faults: number;
  readonly reads: number;
  /** Reads that got no answer (the instance was down or paused): not the cache's doing. */
  readonly unanswered: number;
  readonly writes: number;
  /** Writes whose `invalidate()` resolved. */
  readonly invalidations: number;
  /** Of those, the ones in `'expire'` mode. */
  readonly expireInvalidations: number;
  readonly boundMs: number;
  /** Reads that saw an old version (staleness > 0). */
  readonly stale: number;
  readonly staleness: { readonly p50: number; readonly p99: number; readonly max: number };
  /** How long the answered reads took, ms. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  /** The first examples of each finding (at most 20, then '…'); `counts` has how many. */
  readonly violations: readonly string[];
  readonly leaks: readonly string[];
  readonly serverErrors: readonly string[];
  readonly mismatches: readonly string[];
  readonly counts: Readonly<Record<Finding, number>>;
}

export type Finding = 'violations' | 'leaks' | 'serverErrors' | 'mismatches';

export interface CheckReport {
  readonly phases: readonly PhaseReport[];
  readonly total: PhaseReport;
  /** True when there is no violation, leak, 5xx or mismatch. */
  readonly ok: boolean;
}

interface Parsed {
  key?: unknown;
  version?: unknown;
  user?: unknown;
}

/** Nearest-rank quantile of sorted values (0 for none). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The phase (fault kind or `'none'`) of a time, from faults sorted by start. */
function phaseAt(faults: readonly FaultOp[], at: number): string {
  let phase = 'none';
  for (const fault of faults) {
    if (fault.start > at) break;
    phase = fault.kind;
  }
  return phase;
}

const MAX_EXAMPLES = 20;

/** What the checker gathers per phase. */
interface Acc {
  faults: number;
  reads: number;
  unanswered: number;
  writes: number;
  invalidations: number;
  expireInvalidations: number;
  staleness: number[];
  latency: number[];
  violations: string[];
  leaks: string[];
  serverErrors: string[];
  mismatches: string[];
  counts: Record<Finding, number>;
}

function emptyAcc(): Acc {
  return {
    faults: 0,
    reads: 0,
    unanswered: 0,
    writes: 0,
    invalidations: 0,
    expireInvalidations: 0,
    staleness: [],
    latency: [],
    violations: [],
    leaks: [],
    serverErrors: [],
    mismatches: [],
    counts: { violations: 0, leaks: 0, serverErrors: 0, mismatches: 0 },
  };
}

/** Judges a history; never throws on odd records (they become mismatches). */
export function checkHistory(history: History, options: CheckOptions): CheckReport {
  const faults = [...history.faults].sort((a, b) => a.start - b.start);
  /** Per key: the resolved writes, by end time. */
  const resolved = new Map<string, WriteOp[]>();
  for (const write of history.writes) {
    if (!write.ok) continue;
    const list = resolved.get(write.key) ?? [];
    if (list.length === 0) resolved.set(write.key, list);
    list.push(write);
  }
  for (const list of resolved.values()) list.sort((a, b) => a.end - b.end);
  /** ETag -> the body first seen with it: one ETag, one body. */
  const bodyByEtag = new Map<string, string>();

  const phases = new Map<string, Acc>();
  const acc = (phase: string): Acc => {
    let a = phases.get(phase);
    if (!a) {
      a = emptyAcc();
      phases.set(phase, a);
    }
    return a;
  };
  const note = (list: string[], text: string) => {
    if (list.length < MAX_EXAMPLES) list.push(text);
    else if (list.length === MAX_EXAMPLES) list.push('…');
  };
  const flag = (a: Acc, finding: Finding, text: string) => {
    a.counts[finding]++;
    note(a[finding], text);
  };
  acc('none');
  for (const fault of faults) acc(fault.kind).faults++;
  for (const write of history.writes) {
    const a = acc(phaseAt(faults, write.start));
    a.writes++;
    if (write.ok) a.invalidations++;
    if (write.ok && write.mode === 'expire') a.expireInvalidations++;
  }

  for (const read of history.reads) {
    const phase = phaseAt(faults, read.start);
    const a = acc(phase);
    a.reads++;
    const where = `${read.route} ${read.key}${read.user ? ` (${read.user})` : ''} on ${read.instance} at ${read.start.toFixed(0)} ms`;
    if (read.status === 0) {
      a.unanswered++;
      continue;
    }
    a.latency.push(read.end - read.start);
    if (read.status >= 500) {
      flag(a, 'serverErrors', `${where}: ${read.status}`);
      continue;
    }
    if (read.status !== 200) {
      flag(a, 'mismatches', `${where}: unexpected status ${read.status}`);
      continue;
    }
    const length = read.headers['content-length'];
    if (length !== undefined && Number(length) !== Buffer.byteLength(read.body)) {
      flag(
        a,
        'mismatches',
        `${where}: Content-Length ${length} for a ${Buffer.byteLength(read.body)}-byte body`,
      );
    }
    const etag = read.headers.etag;
    if (etag !== undefined) {
      const seen = bodyByEtag.get(etag);
      if (seen === undefined) bodyByEtag.set(etag, read.body);
      else if (seen !== read.body) flag(a, 'mismatches', `${where}: ETag ${etag} with two different bodies`);
    }
    let parsed: Parsed;
    try {
      parsed = JSON.parse(read.body) as Parsed;
    } catch {
      flag(a, 'mismatches', `${where}: body is not JSON`);
      continue;
    }
    if (parsed.key !== read.key) {
      flag(a, 'mismatches', `${where}: body of key ${String(parsed.key)}`);
      continue;
    }
    if (read.route === 'private' && parsed.user !== read.user) {
      flag(a, 'leaks', `${where}: got the entry of ${String(parsed.user)}`);
    }
    if (read.route === 'public' && parsed.user !== undefined) {
      flag(a, 'leaks', `${where}: a public answer carries user ${String(parsed.user)}`);
    }
    const version = typeof parsed.version === 'number' ? parsed.version : Number.NaN;
    if (!Number.isFinite(version)) {
      flag(a, 'mismatches', `${where}: no version in the body`);
      continue;
    }
    // The first resolved invalidation of a newer version than the one seen.
    const newer = resolved.get(read.key)?.find((w) => w.version > version && w.end <= read.start);
    if (!newer) continue;
    const staleness = read.start - newer.end;
    a.staleness.push(staleness);
    const bound = options.boundMs(phase);
    if (staleness > bound) {
      flag(
        a,
        'violations',
        `${where}: saw v${version} ${staleness.toFixed(0)} ms after v${newer.version}'s invalidation (${newer.mode ?? 'delete'}) resolved on ${newer.instance} (bound ${bound} ms; age ${read.headers.age ?? '-'}, ${read.headers['cache-status'] ?? '-'})`,
      );
    }
  }

  const report = (phase: string, a: Acc): PhaseReport => {
    const sorted = [...a.staleness].sort((x, y) => x - y);
    const latency = [...a.latency].sort((x, y) => x - y);
    return {
      phase,
      faults: a.faults,
      reads: a.reads,
      unanswered: a.unanswered,
      writes: a.writes,
      invalidations: a.invalidations,
      expireInvalidations: a.expireInvalidations,
      boundMs: options.boundMs(phase),
      stale: sorted.length,
      staleness: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: quantile(sorted, 1) },
      latency: { p50: quantile(latency, 0.5), p99: quantile(latency, 0.99), max: quantile(latency, 1) },
      violations: a.violations,
      leaks: a.leaks,
      serverErrors: a.serverErrors,
      mismatches: a.mismatches,
      counts: { ...a.counts },
    };
  };
  const reports = [...phases].map(([phase, a]) => report(phase, a));
  const all = emptyAcc();
  for (const a of phases.values()) {
    all.faults += a.faults;
    all.reads += a.reads;
    all.unanswered += a.unanswered;
    all.writes += a.writes;
    all.invalidations += a.invalidations;
    all.expireInvalidations += a.expireInvalidations;
    // Loops, not push(...list): a long run has more reads than a call's argument limit.
    for (const v of a.staleness) all.staleness.push(v);
    for (const v of a.latency) all.latency.push(v);
    for (const key of ['violations', 'leaks', 'serverErrors', 'mismatches'] as const) {
      for (const text of a[key]) note(all[key], text);
      all.counts[key] += a.counts[key];
    }
  }
  const total = { ...report('all', all), boundMs: Math.max(...reports.map((r) => r.boundMs)) };
  const ok = Object.values(total.counts).every((count) => count === 0);
  return { phases: reports, total, ok };
}
