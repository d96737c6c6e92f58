/**
 * The paired measurement of every target: the subject and the subject its target is a ratio of
 * (the reference) are open at once (two processes pinned to the server core, one idle while the
 * other is loaded) and measured in turn in short runs, the reference before and after ours; the
 * ratio is taken pair by pair, against the mean of the two reference readings. In the interleaved
 * rounds the two are measured minutes apart and, on a host whose speed drifts by tens of percent
 * from one minute to the next, a slow minute falls on one of them; here they are seconds apart, a
 * steady drift cancels out, and a pair whose two reference readings disagree (the host's speed
 * jumped under it) is measured again instead of counted.
 */

import { closeRun, measureRun, openRun } from './subject-run.mjs';

/**
 * The pairs to measure: one per (subject, other subject) that a subject's `target` or
 * `p99Target` names (`target.of` absent: its framework's baseline), both present and available.
 * @returns {Array<{ subject: object, other: object }>}
 */
export function pairsToMeasure(states) {
  const byId = new Map(states.map((s) => [s.id, s]));
  const seen = new Set();
  const pairs = [];
  for (const s of states) {
    const baseline = states.find((b) => b.meta.framework === s.meta.framework && b.meta.baseline);
    for (const target of [s.meta.target, s.meta.p99Target]) {
      if (!target) continue;
      const other = byId.get(target.of ?? baseline?.id);
      const key = `${s.id} ${other?.id}`;
      if (!other || other === s || seen.has(key) || s.unavailable || other.unavailable) continue;
      seen.add(key);
      pairs.push({ subject: s, other });
    }
  }
  return pairs;
}

/** Largest difference between a pair's two readings of the reference, as a share of their mean. */
export const STEADY_TOLERANCE = 0.05;

/**
 * The reference's two readings of a pair as one: mean req/s, CPU per request and p99; valid when
 * both are. `steady`: the two agree within `STEADY_TOLERANCE`, so the host's speed did not move
 * under the pair (a slower second reading would otherwise flatter, a faster one sink, the ratio).
 */
export function bracketReference(before, after) {
  const valid = before.valid && after.valid;
  const mean = (field) => (before[field] + after[field]) / 2;
  const figures = valid
    ? { rps: mean('rps'), cpuUsPerRequest: mean('cpuUsPerRequest'), p99: mean('p99') }
    : {};
  return {
    theirs: {
      valid,
      problems: [...before.problems, ...after.problems],
      ...figures,
      foreignCpu: Math.max(before.foreignCpu ?? 0, after.foreignCpu ?? 0),
    },
    steady: valid && Math.abs(before.rps - after.rps) / figures.rps <= STEADY_TOLERANCE,
  };
}

function ratioText(ours, theirs, steady) {
  if (!ours.valid || !theirs.valid) return 'INVALID, not counted';
  const rps = (ours.rps / theirs.rps).toFixed(3);
  const cpu = (theirs.cpuUsPerRequest / ours.cpuUsPerRequest).toFixed(3);
  return (
    `${rps} (CPU ${cpu}; ${Math.round(ours.rps)} / ${Math.round(theirs.rps)} req/s)` +
    (steady ? '' : ' unsteady, not counted')
  );
}

/**
 * Measures one pair until it has `config.pairs` steady valid pairs, at most `config.pairs + 4`
 * times: each pair is the reference, ours, the reference again (a steady drift of the host
 * cancels out in the mean of the two readings around ours).
 * @returns {Promise<{ subject: string, of: string, pairs: Array<{ pair: number, ours: object, theirs: object,
 *   reference: object[], steady: boolean }>, problems: string[] }>} `problems` not empty: no pair of it counts
 */
async function measurePair({ subject, other }, config, redisUrl, log) {
  const entry = { subject: subject.id, of: other.id, pairs: [], problems: [] };
  const ours = await openRun(subject, config, redisUrl);
  const theirs = 'unavailable' in ours ? ours : await openRun(other, config, redisUrl);
  const open = [ours, theirs].filter((r) => !('unavailable' in r));
  for (const run of [ours, theirs]) {
    if ('unavailable' in run) entry.problems.push(`not available: ${run.unavailable}`);
    else entry.problems.push(...run.problems.map((p) => `${run.subject.id}: ${p}`));
  }
  try {
    if (entry.problems.length > 0) return entry;
    const timing = { warmup: config.pairWarmup, duration: config.pairDuration };
    let counted = 0;
    for (let pair = 1; counted < config.pairs && pair <= config.pairs + 4; pair++) {
      const before = await measureRun(theirs, config, timing);
      const figures = await measureRun(ours, config, timing);
      const after = await measureRun(theirs, config, timing);
      const reference = bracketReference(before, after);
      entry.pairs.push({ pair, ours: figures, ...reference, reference: [before, after] });
      if (figures.valid && reference.theirs.valid && reference.steady) counted++;
      const problems = [...figures.problems, ...reference.theirs.problems];
      log(
        `  ${`${subject.id} ÷ ${other.id}`.padEnd(56)} pair ${pair}: ${ratioText(figures, reference.theirs, reference.steady)}` +
          (problems.length ? `: ${problems.join('; ')}` : ''),
      );
    }
  } finally {
    for (const run of open) {
      const after = await closeRun(run);
      entry.problems.push(...after.map((p) => `${run.subject.id}: ${p}`));
    }
  }
  return entry;
}

/**
 * @param {Array<{ id: string, file: string, meta: object, unavailable?: string }>} states
 * @param {{ pairs: number, pairWarmup: number, pairDuration: number }} config plus the throughput config
 * @returns {Promise<object[]>} one entry per measured pair (see `measurePair`)
 */
export async function runPairs(states, config, redisUrl, log) {
  const pairs = pairsToMeasure(states);
  if (config.pairs < 1 || pairs.length === 0) return [];
  log(
    `paired: ${pairs.length} targets, ${config.pairs} steady pairs each (reference, ours, reference; ` +
      `${config.pairWarmup} s warm-up + ${config.pairDuration} s measured per run)`,
  );
  const entries = [];
  for (const pair of pairs) {
    const entry = await measurePair(pair, config, redisUrl, log);
    if (entry.problems.length > 0)
      log(`  ${entry.subject} ÷ ${entry.of}: INVALID, not counted: ${entry.problems.join('; ')}`);
    entries.push(entry);
  }
  return entries;
}
