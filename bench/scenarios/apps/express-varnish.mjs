/**
 * Express on routecache (memory store) with the Varnish purger, behind a real varnishd, for the
 * cdn-purge scenario. Run by `src/host.mjs`.
 *
 * Env: VARNISH_URL (the node purges go to).
 * - `GET /item/:id` is public for Varnish (`s-maxage=3600`, tag `item:<id>`); its body names the
 *   handler run that made it.
 * - controls: `invalidate(tags)` (resolves when the app's cache and Varnish acknowledged), `stats()`.
 */
import express from 'express';
import { importPackage, listenNode } from '../../src/serve.mjs';
import { buildDocument, handlerCalls } from '../../src/workload.mjs';

export async function start({ port, env }) {
  const { routeCache } = await importPackage('@routecache/express');
  const { varnishPurger } = await importPackage('@routecache/core/cdn/varnish');
  const rc = routeCache({ cdn: varnishPurger({ nodes: [env.VARNISH_URL] }) });
  const app = express();
  app.get(
    '/item/:id',
    rc.policy({ maxAge: 0, sMaxAge: 3600, tags: (req) => [`item:${req.params.id}`] }),
    (req, res) => {
      handlerCalls.n++;
      res.json({ ...buildDocument(req.params.id), madeBy: handlerCalls.n });
    },
  );
  const listening = await listenNode(app, port);
  return {
    close: async () => {
      await listening.close();
      await rc.cache.close();
    },
    control: {
      invalidate: async (tags) => rc.invalidate({ tags }),
      stats: async () => rc.stats().cdn,
    },
  };
}
