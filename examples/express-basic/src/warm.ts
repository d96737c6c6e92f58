/**
 * `pnpm --filter express-basic warm`: warms the catalogue before traffic, through the app itself
 * (every product page and the list), printing one progress line per page and a summary.
 */
import type { WarmSummary } from '@routecache/express';
import type { DemoApp } from './app.ts';
import { createApp } from './app.ts';

/** The host visitors use: it is part of the cache key. */
export const DEMO_HOST = 'localhost:3000';

/** Warms every catalogue page of `demo`; `print` gets the progress lines and the summary. */
export async function warmCatalogue(demo: DemoApp, print: (line: string) => void): Promise<WarmSummary> {
  const pages = ['/api/products', ...demo.catalogue.list().map((p) => `/api/products/${p.id}`)];
  const summary = await demo.rc.warm(pages, {
    app: demo.app,
    concurrency: 2,
    headers: { host: DEMO_HOST },
    onProgress: ({ done, total, result }) =>
      print(
        `[warm] ${done}/${total} ${result.outcome.padEnd(7)} ${result.url}` +
          `${result.reason ? ` (${result.reason})` : ''} ${result.durationMs.toFixed(1)} ms`,
      ),
  });
  print(
    `[warm] done: ${summary.stored} stored, ${summary.fresh} already fresh, ${summary.skipped} skipped, ${summary.failed} failed in ${summary.durationMs.toFixed(0)} ms`,
  );
  return summary;
}

if (import.meta.main) {
  const demo = createApp();
  await warmCatalogue(demo, (line) => process.stdout.write(`${line}\n`));
  await demo.rc.cache.close();
}
