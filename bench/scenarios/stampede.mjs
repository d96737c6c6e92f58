/**
 * Stampede: 1,000 concurrent requests for one cold key, spread over 4 instances that share Redis
 * (tiered store: memory L1, Redis L2 and lock, Redis bus). Counts the handler runs across all
 * instances (target: 1) and compares the requests' p99 latency with the handler's own latency.
 */

import { requireRedis, startInstances, stopAll, timedGet, totalHandlerCalls } from '../src/scenario-kit.mjs';
import { median, percentile } from '../src/stats.mjs';

const INSTANCES = 4;
const REQUESTS = 1000;
const WORK_MS = 50;

export const stampede = {
  title: `Stampede: ${REQUESTS} concurrent requests for one cold key across ${INSTANCES} processes sharing Redis`,
  async run(config, log) {
    const trials = config.quick ? 2 : 5;
    const redis = await requireRedis();
    const env = { BENCH_PREFIX: `routecache-bench:stampede:${Date.now()}:`, BENCH_WORK_MS: String(WORK_MS) };
    let instances = [];
    try {
      instances = await startInstances('express-tiered.mjs', INSTANCES, { redisUrl: redis.url, env });
      // The handler's own latency, measured through the uncached route of the same app.
      const own = [];
      for (let i = 0; i < 20; i++)
        own.push((await timedGet(instances[i % INSTANCES].port, `/origin/warm-${i}`)).ms);
      const handlerMs = median(own);
      const rows = [];
      for (let t = 1; t <= trials; t++) {
        const path = `/item/stampede-${t}`;
        const before = await totalHandlerCalls(instances);
        const responses = await Promise.all(
          Array.from({ length: REQUESTS }, (_, i) =>
            timedGet(instances[i % INSTANCES].port, path, { agent: false }),
          ),
        );
        const runs = (await totalHandlerCalls(instances)) - before;
        // The same burst again on the now warm key: the latency floor of 1,000 new connections here.
        const warm = await Promise.all(
          Array.from({ length: REQUESTS }, (_, i) =>
            timedGet(instances[i % INSTANCES].port, path, { agent: false }),
          ),
        );
        const warmP99 = percentile(
          warm.map((r) => r.ms),
          99,
        );
        const latencies = responses.map((r) => r.ms);
        const wrong = responses.filter(
          (r) => r.status !== 200 || JSON.parse(r.body).items === undefined,
        ).length;
        const bodies = new Set(responses.map((r) => r.body));
        const statuses = {};
        for (const r of responses) {
          const s = String(r.headers['cache-status'] ?? 'none')
            .replace(/^routecache;\s*/, '')
            .replace(/;\s*ttl=\d+/, '');
          statuses[s] = (statuses[s] ?? 0) + 1;
        }
        rows.push({
          trial: t,
          runs,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          max: Math.max(...latencies),
          warmP99,
          wrong,
          distinctBodies: bodies.size,
          statuses,
        });
        log(
          `  trial ${t}: handler ran ${runs}×, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (warm key: ${warmP99.toFixed(1)} ms), ${wrong} wrong answers, ${bodies.size} distinct bodies`,
        );
      }
      const lines = [
        `${INSTANCES} instances (tiered store: memory L1 + Redis L2 with the cross-instance lock + Redis bus), the origin takes ${WORK_MS} ms;`,
        `${REQUESTS} requests fired at once (new connection each, ${REQUESTS / INSTANCES} per instance) for a key no instance holds.`,
        `The handler's own latency (uncached route, median of 20): **${handlerMs.toFixed(1)} ms**.`,
        '',
        '| trial | handler runs (target 1) | p50 ms | p99 ms | p99 / handler | max ms | p99 of the same burst on the warm key | wrong answers | distinct bodies | Cache-Status seen |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
        ...rows.map(
          (r) =>
            `| ${r.trial} | ${r.runs} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p99 / handlerMs).toFixed(2)}× | ${r.max.toFixed(1)} | ${r.warmP99.toFixed(1)} | ${r.wrong} | ${r.distinctBodies} | ${Object.entries(
              r.statuses,
            )
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')} |`,
        ),
        '',
        `Target: 1 handler run per cold key: ${rows.every((r) => r.runs === 1) ? '**met** in every trial' : `**missed** (runs per trial: ${rows.map((r) => r.runs).join(', ')})`}.`,
        'Latency includes opening a connection per request on a 2-core machine shared by 4 servers, Redis and the client.',
      ];
      return { markdown: lines.join('\n'), data: { handlerMs, rows } };
    } finally {
      await stopAll(instances);
      await redis.stop();
    }
  },
};
