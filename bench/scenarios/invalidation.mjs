/**
 * Invalidation reach: one instance calls `invalidate({ tags })`; how long until every other
 * instance stops serving the entry (its next answer is a miss with a new body)? p50/p99 over
 * 200 trials, 4 instances sharing Redis (memory L1 + Redis L2 + Redis bus).
 *
 * Each other instance is polled back to back (one request in flight per instance) from the
 * moment the invalidation is sent. The time counted is when the first poll that no longer got
 * the old entry was sent: the invalidation reached that instance between the previous poll and
 * this one (so within one hit round trip). The time its answer arrived is reported too: it adds
 * the refill (the lock wait of the instances that did not run the handler).
 */

import { requireRedis, sequentialAgent, startInstances, stopAll, timedGet } from '../src/scenario-kit.mjs';
import { percentile } from '../src/stats.mjs';

const INSTANCES = 4;

function madeBy(response) {
  return JSON.parse(response.body).madeBy;
}

export const invalidation = {
  title: `Invalidation reach: invalidate({ tags }) on one instance until ${INSTANCES - 1} others miss`,
  async run(config, log) {
    const trials = config.quick ? 30 : 200;
    const redis = await requireRedis();
    const env = { BENCH_PREFIX: `routecache-bench:invalidation:${Date.now()}:`, BENCH_WORK_MS: '0' };
    let instances = [];
    try {
      instances = await startInstances('express-tiered.mjs', INSTANCES, { redisUrl: redis.url, env });
      const agents = instances.map(() => sequentialAgent());
      const [origin, ...others] = instances;
      const reach = [];
      const answered = [];
      const perInstance = [];
      const hitRtt = [];
      const problems = [];
      for (let t = 1; t <= trials; t++) {
        const path = `/item/inv-${t}`;
        const primed = await timedGet(origin.port, path, { agent: agents[0] });
        const old = madeBy(primed);
        // Every other instance reads it from L2 and keeps it in L1; check it now serves it as a hit.
        for (const [i, inst] of others.entries()) {
          await timedGet(inst.port, path, { agent: agents[i + 1] });
          const hit = await timedGet(inst.port, path, { agent: agents[i + 1] });
          hitRtt.push(hit.ms);
          if (madeBy(hit) !== old || !/hit/.test(String(hit.headers['cache-status']))) {
            problems.push(
              `trial ${t}: instance ${i + 1} did not serve the primed entry as a hit (${hit.headers['cache-status']})`,
            );
          }
        }
        const t0 = performance.now();
        const invalidated = origin.invoke('invalidate', [`item:inv-${t}`]);
        const times = await Promise.all(
          others.map(async (inst, i) => {
            for (let polls = 0; polls < 100_000; polls++) {
              const r = await timedGet(inst.port, path, { agent: agents[i + 1] });
              if (madeBy(r) !== old)
                return { sent: r.sentAt - t0, answered: performance.now() - t0, polls: polls + 1 };
              if (performance.now() - t0 > 5000) break;
            }
            return { sent: Number.POSITIVE_INFINITY, answered: Number.POSITIVE_INFINITY, polls: 0 };
          }),
        );
        await invalidated;
        perInstance.push(...times.map((x) => x.sent));
        reach.push(Math.max(...times.map((x) => x.sent)));
        answered.push(Math.max(...times.map((x) => x.answered)));
      }
      for (const a of agents) a.destroy();
      const missed = reach.filter((v) => !Number.isFinite(v)).length;
      const finite = reach.filter(Number.isFinite);
      const p50 = percentile(finite, 50);
      const p99 = percentile(finite, 99);
      const answeredFinite = answered.filter(Number.isFinite);
      log(
        `  ${trials} trials: refilled answer p50 ${percentile(answeredFinite, 50).toFixed(2)} ms; reach p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${Math.max(...finite).toFixed(2)} ms; ${missed} never reached within 5 s`,
      );
      const lines = [
        `${INSTANCES} instances (memory L1 + Redis L2 + Redis bus); per trial a fresh key is stored by instance 0 and read`,
        `into the L1 of the ${INSTANCES - 1} others, then instance 0 calls \`invalidate({ tags })\` while the others are polled back to back.`,
        '',
        '| trials | reach p50 | reach p99 | max | per instance p50 / p99 | never reached (5 s) | target p99 < 50 ms | refilled answer p50 / p99 | hit poll round trip p50 |',
        '|---:|---:|---:|---:|---:|---:|---|---:|---:|',
        `| ${trials} | ${p50.toFixed(2)} ms | ${p99.toFixed(2)} ms | ${Math.max(...finite).toFixed(2)} ms | ${percentile(perInstance.filter(Number.isFinite), 50).toFixed(2)} / ${percentile(perInstance.filter(Number.isFinite), 99).toFixed(2)} ms | ${missed} | ${p99 < 50 && missed === 0 ? '**met**' : '**missed**'} | ${percentile(answeredFinite, 50).toFixed(2)} / ${percentile(answeredFinite, 99).toFixed(2)} ms | ${percentile(hitRtt, 50).toFixed(2)} ms |`,
        '',
        'Reach = until the last of the other instances stopped serving the old entry: the send time of its first poll',
        'that did not get it (accurate to one hit round trip). "Refilled answer" is when that poll was answered, which',
        'adds the miss itself: one instance runs the handler, the others wait on the cross-instance lock for its result.',
        ...(problems.length
          ? ['', `Priming problems (${problems.length}): ${problems.slice(0, 3).join('; ')}`]
          : []),
      ];
      return { markdown: lines.join('\n'), data: { trials, p50, p99, missed, reach, answered, problems } };
    } finally {
      await stopAll(instances);
      await redis.stop();
    }
  },
};
