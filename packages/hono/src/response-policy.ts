import type { PolicyInput } from '@routecache/core';
import { keepResponsePolicy, takeResponsePolicy as take } from '@routecache/core/adapter';
import type { Context } from 'hono';

/**
 * Overrides the route's policy for this one response, e.g. to keep an error or a personalised
 * answer out of every cache. The fields are merged over the route's policy by the engine, which
 * then decides whether to store the response and which headers it gets (a response streamed
 * through gets them too). Call it before the handler returns; a later call replaces the earlier one.
 *
 * @throws PolicyError naming the field when `policy` is invalid on its own, or sets a field that
 * shapes the cache key (`from`, `vary`, `query`, `identify`, `shareAuthenticated`): checked at once,
 * so a mistake surfaces in the handler that made it.
 * @example
 * app.get('/api/products/:id', rc.policy({ maxAge: 60 }), (c) => {
 *   const product = find(c.req.param('id'));
 *   if (product === undefined) {
 *     setResponsePolicy(c, { scope: 'no-store' });
 *     return c.json({ error: 'not found' }, 404);
 *   }
 *   return c.json(product);
 * });
 */
export function setResponsePolicy(c: Context, policy: Partial<PolicyInput>): void {
  keepResponsePolicy(c, policy);
}

/** The override set by `setResponsePolicy()` for this response, if any (read once, when the handler answered). */
export function takeResponsePolicy(c: Context): Partial<PolicyInput> | undefined {
  return take(c);
}
