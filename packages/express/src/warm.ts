import type { RequestListener } from 'node:http';
import type {
  Rewarmer,
  RewarmOptions,
  RouteCache,
  WarmOptions,
  WarmSource,
  WarmSummary,
} from '@routecache/core';
import { PolicyError, rewarmAfterInvalidation, warmCache } from '@routecache/core';
import { createHttpDispatch } from '@routecache/core/node';

/** Options of `rc.warm()` / `rc.rewarm()`: the Express app the requests go through. */
export interface ExpressWarmTarget {
  /** The Express app (`express()`), with `rc` mounted: requests go through all its middleware. */
  app: RequestListener;
}

function appOf(options: Partial<ExpressWarmTarget> | undefined, method: string): RequestListener {
  const app = options?.app;
  if (typeof app !== 'function') throw new PolicyError('app', `${method}: give the Express app ({ app })`);
  return app;
}

/** Warms through `app` on a loopback server that lives for the warming. */
export async function warmExpress(
  cache: RouteCache,
  source: WarmSource,
  options: WarmOptions & ExpressWarmTarget,
): Promise<WarmSummary> {
  const { app, ...warmOptions } = options ?? ({} as WarmOptions & ExpressWarmTarget);
  const http = await createHttpDispatch({ listener: appOf({ app }, 'rc.warm()') });
  try {
    return await warmCache(cache, http.dispatch, source, warmOptions);
  } finally {
    await http.close();
  }
}

/** Re-warms hot entries after invalidations, each batch through a loopback server of `app`. */
export function rewarmExpress(cache: RouteCache, options: RewarmOptions & ExpressWarmTarget): Rewarmer {
  const { app, ...rewarmOptions } = options ?? ({} as RewarmOptions & ExpressWarmTarget);
  const listener = appOf({ app }, 'rc.rewarm()');
  return rewarmAfterInvalidation(
    cache,
    async (path, headers) => {
      const http = await createHttpDispatch({ listener });
      try {
        return await http.dispatch(path, headers);
      } finally {
        await http.close();
      }
    },
    rewarmOptions,
  );
}
