/**
 * The throughput benchmark: every subject in its own process pinned to the server core, loaded
 * with wrk from the load core, in interleaved rounds (A B C, A B C, ...). Each run is checked
 * (status, body, headers on every response of a burst, wrk's bytes per response, the handler-run
 * counter) before its figure counts; a run that fails a check is reported and left out. Then
 * every target is measured once more in pairs (`paired.mjs`), which is what its verdict is judged on.
 */

import { runPairs } from './paired.mjs';
import { startRedis } from './redis.mjs';
import { runOnce } from './subject-run.mjs';
import { discoverSubjects } from './subjects.mjs';

/**
 * @typedef {{ rounds: number, warmup: number, duration: number, connections: number, serverCore: number,
 *   loadCore: number, checkSeconds: number, pairs: number, pairWarmup: number, pairDuration: number,
 *   only?: string[], nodeArgs?: string[] }} ThroughputConfig
 */

/**
 * @param {ThroughputConfig} config
 * @param {(line: string) => void} log
 */
export async function runThroughput(config, log) {
  const subjects = await discoverSubjects({ only: config.only });
  const states = subjects.map((s) => ({
    id: s.id,
    file: s.file,
    meta: s.meta,
    unavailable: s.loadError ? `the subject file does not load: ${s.loadError}` : undefined,
    rounds: [],
  }));
  let redis;
  let redisProblem;
  if (states.some((s) => s.meta.needsRedis && !s.unavailable)) {
    const started = await startRedis({ core: config.loadCore });
    if ('unavailable' in started) redisProblem = started.unavailable;
    else redis = started;
  }
  for (const s of states) {
    if (s.meta.needsRedis && !redis && !s.unavailable) s.unavailable = `no Redis: ${redisProblem}`;
    if (s.unavailable) log(`not available: ${s.id}: ${s.unavailable}`);
  }
  log(
    `${states.filter((s) => !s.unavailable).length} subjects, ${config.rounds} rounds, ` +
      `${config.warmup} s warm-up + ${config.duration} s measured each, ${config.connections} connections; ` +
      `server on core ${config.serverCore}, wrk on core ${config.loadCore}` +
      (redis ? `, redis ${redis.url}${redis.external ? ' (REDIS_URL)' : ` on core ${config.loadCore}`}` : ''),
  );
  // Run order: the table's, but the uncached origin subjects last in each round. Measured right
  // after them (a 2 ms timer origin leaves the server core ~45% idle), the next subjects ran slower
  // for a while: in the two full runs of 2026-12-04, `hono-l1-hit`, which followed
  // `hono-304` and `hono-origin-timer`, read 0.78-0.96x the req/s of `hono-l1-hit-metrics` (the
  // same hit doing more work, measured next) in 5 of 6 rounds, while its ceiling ran before the
  // origins. Last in the round, they precede only the next round's first subject, the node
  // platform route.
  const runOrder = [
    ...states.filter((s) => s.meta.role !== 'origin'),
    ...states.filter((s) => s.meta.role === 'origin'),
  ];
  let paired = [];
  try {
    for (let round = 1; round <= config.rounds; round++) {
      log(`round ${round}/${config.rounds}`);
      for (const s of runOrder) {
        if (s.unavailable) continue;
        const result = await runOnce(s, round, config, redis?.url);
        if ('unavailable' in result) {
          s.unavailable = result.unavailable;
          log(`  not available: ${s.id}: ${result.unavailable}`);
          continue;
        }
        s.rounds.push(result);
        if (result.valid) {
          const noisy =
            result.foreignCpu > 0.05
              ? `  (other processes took ${(result.foreignCpu * 100).toFixed(0)}% of core ${config.serverCore})`
              : '';
          log(
            `  ${s.id.padEnd(32)} ${Math.round(result.rps).toLocaleString('en-US').padStart(9)} req/s  p99 ${result.p99?.toFixed(2)} ms${noisy}`,
          );
        } else {
          log(`  ${s.id.padEnd(32)} INVALID, not counted: ${result.problems.join('; ')}`);
        }
      }
    }
    paired = await runPairs(states, config, redis?.url, log);
  } finally {
    await redis?.stop();
  }
  return { subjects: states.map(({ file, ...rest }) => rest), paired };
}
