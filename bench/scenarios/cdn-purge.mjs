/**
 * CDN purge: the app (Express, memory store, the Varnish purger) behind a real varnishd with the
 * project's VCL. Per trial a fresh item is cached by Varnish (its second request is a Varnish
 * hit), then `invalidate({ tags })` is called in the app; once it resolved (the app's cache and
 * Varnish acknowledged), the next request through Varnish must be a miss that reaches the app.
 * Reported: p50/p99 of the time from `invalidate()` resolved to that miss's answer, of the
 * `invalidate()` call itself (IPC included), and how many trials still got Varnish's copy.
 */
import { freePort } from '../src/redis.mjs';
import { sequentialAgent, startInstances, stopAll, timedGet } from '../src/scenario-kit.mjs';
import { percentile } from '../src/stats.mjs';
import { startVarnish } from '../src/varnish.mjs';

const ids = (response) =>
  String(response.headers['x-varnish'] ?? '')
    .trim()
    .split(/\s+/).length;
const fixed = (ms) => `${ms.toFixed(2)} ms`;

export const cdnPurge = {
  title: 'CDN purge: invalidate({ tags }) resolved until the next request through Varnish is a miss',
  async run(config, log) {
    const trials = config.quick ? 30 : 200;
    const varnishPort = await freePort();
    let instances = [];
    let varnish;
    try {
      instances = await startInstances('express-varnish.mjs', 1, {
        env: { VARNISH_URL: `http://127.0.0.1:${varnishPort}` },
      });
      const [app] = instances;
      varnish = await startVarnish({ port: varnishPort, backendPort: app.port });
      if ('unavailable' in varnish) throw new Error(`not available: ${varnish.unavailable}`);
      const agent = sequentialAgent();
      const toMiss = [];
      const invalidateMs = [];
      const hitMs = [];
      const problems = [];
      let stillCached = 0;
      for (let t = 1; t <= trials; t++) {
        const path = `/item/cdn-${t}`;
        const first = await timedGet(varnishPort, path, { agent });
        const hit = await timedGet(varnishPort, path, { agent });
        hitMs.push(hit.ms);
        if (ids(hit) !== 2 || hit.body !== first.body)
          problems.push(`trial ${t}: the second request was not a Varnish hit`);
        const t0 = performance.now();
        await app.invoke('invalidate', [`item:cdn-${t}`]);
        const resolved = performance.now();
        invalidateMs.push(resolved - t0);
        const next = await timedGet(varnishPort, path, { agent });
        toMiss.push(performance.now() - resolved);
        if (ids(next) !== 1 || next.body === first.body) stillCached++;
      }
      agent.destroy();
      const stats = await app.invoke('stats');
      log(
        `  ${trials} trials: resolved → miss answered p50 ${fixed(percentile(toMiss, 50))}, p99 ${fixed(percentile(toMiss, 99))}; invalidate() p50 ${fixed(percentile(invalidateMs, 50))}; still cached ${stillCached}`,
      );
      const lines = [
        'Express on routecache (memory store) with `varnishPurger()`, behind varnishd 7 with `docs/varnish/routecache.vcl`;',
        'per trial a fresh item is cached by Varnish, then `invalidate({ tags })` runs in the app and the next request goes through Varnish.',
        '',
        '| trials | resolved → miss answered p50 | p99 | invalidate() p50 / p99 (IPC included) | Varnish hit p50 | still served by Varnish after resolve |',
        '|---:|---:|---:|---:|---:|---:|',
        `| ${trials} | ${fixed(percentile(toMiss, 50))} | ${fixed(percentile(toMiss, 99))} | ${fixed(percentile(invalidateMs, 50))} / ${fixed(percentile(invalidateMs, 99))} | ${fixed(percentile(hitMs, 50))} | ${stillCached} |`,
        '',
        `Purger counters at the end: ${JSON.stringify(stats?.varnish ?? {})}.`,
        ...(problems.length
          ? ['', `Priming problems (${problems.length}): ${problems.slice(0, 3).join('; ')}`]
          : []),
      ];
      return {
        markdown: lines.join('\n'),
        data: { trials, toMiss, invalidateMs, stillCached, problems, stats },
      };
    } finally {
      if (varnish && 'stop' in varnish) await varnish.stop();
      await stopAll(instances);
    }
  },
};
