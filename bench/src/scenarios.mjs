/**
 * Scenario benchmarks (beside throughput), one file each under `bench/scenarios/`. Each exports
 * `title` and `run(config, log)` resolving `{ markdown, data }` or throwing "not available: …".
 */

import { cdnPurge } from '../scenarios/cdn-purge.mjs';
import { consistency } from '../scenarios/consistency.mjs';
import { invalidation } from '../scenarios/invalidation.mjs';
import { keysize } from '../scenarios/keysize.mjs';
import { memory } from '../scenarios/memory.mjs';
import { stampede } from '../scenarios/stampede.mjs';

export const SCENARIOS = { stampede, invalidation, memory, keysize, 'cdn-purge': cdnPurge, consistency };

export async function runScenarios(names, config, log) {
  const results = [];
  for (const name of names) {
    const scenario = SCENARIOS[name];
    log(`\n== scenario ${name}: ${scenario.title}`);
    try {
      const { markdown, data } = await scenario.run(config, log);
      log(markdown);
      results.push({ name, title: scenario.title, env: config.env, markdown, data });
    } catch (error) {
      const message = String(error?.message ?? error);
      if (!/^not available/i.test(message)) throw error;
      const reason = message.replace(/^not available:\s*/i, '');
      log(`not available: ${name}: ${reason}`);
      results.push({ name, title: scenario.title, env: config.env, unavailable: reason });
    }
  }
  return results;
}
