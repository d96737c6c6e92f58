/**
 * The paired measurement of every target: the subject and the subject its target is a ratio of
 * are open at once (two processes pinned to the server core, one idle while the other is loaded)
 * and measured in turn in short runs, in alternating order (A B, B A, A B, …); the ratio is taken
 * pair by pair. In the interleaved rounds the two are measured minutes apart and, on a host whose
 * speed drifts by tens of percent from one minute to the next, a slow minute falls on one of
 * them; here they are seconds apart, and the alternating order cancels a steady drift within a
 * pair.
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

function ratioText(ours, theirs) {
  if (!ours.valid || !theirs.valid) return 'INVALID, not counted';
  const rps = (ours.rps / theirs.rps).toFixed(3);
  const cpu = (theirs.cpuUsPerRequest / ours.cpuUsPerRequest).toFixed(3);
  return `${rps} (CPU ${cpu}; ${Math.round(ours.rps)} / ${Math.round(theirs.rps)} req/s)`;
}

/**
 * Measures one pair `config.pairs` times.
 * @returns {Promise<{ subject: string, of: string, pairs: Array<{ pair: number, ours: object, theirs: object }>,
 *   problems: string[] }>} `problems` not empty: no pair of it counts
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
    for (let pair = 1; pair <= config.pairs; pair++) {
      const figures = {};
      // Odd pairs measure ours first, even pairs the other first.
      for (const [name, run] of pair % 2 === 1
        ? [
            ['ours', ours],
            ['theirs', theirs],
          ]
        : [
            ['theirs', theirs],
            ['ours', ours],
          ]) {
        figures[name] = await measureRun(run, config, timing);
      }
      entry.pairs.push({ pair, ...figures });
      const problems = [...figures.ours.problems, ...figures.theirs.problems];
      log(
        `  ${`${subject.id} ÷ ${other.id}`.padEnd(56)} pair ${pair}: ${ratioText(figures.ours, figures.theirs)}` +
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
    `paired: ${pairs.length} targets, ${config.pairs} pairs each of ${config.pairWarmup} s warm-up + ` +
      `${config.pairDuration} s measured per subject, in alternating order`,
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
