import type { ServerResponse } from 'node:http';
import type { PolicyInput } from '@routecache/core';
import { keepResponsePolicy, takeResponsePolicy as take } from '@routecache/core/adapter';

/**
 * Overrides the route's policy for this one response, e.g. to keep an error or a personalised
 * answer out of every cache. The fields are merged over the route's policy by the engine, which
 * then decides whether to store the response and which headers it gets (a response streamed
 * through gets them too). Call it before the response ends; a later call replaces the earlier one.
 *
 * @throws PolicyError naming the field when `policy` is invalid on its own, or sets a field that
 * shapes the cache key (`from`, `vary`, `query`, `identify`, `shareAuthenticated`): checked at once,
 * so a mistake surfaces in the handler that made it.
 * @example
 * app.get('/api/products/:id', rc.policy({ maxAge: 60 }), (req, res) => {
 *   const product = find(req.params.id);
 *   if (product === undefined) {
 *     setResponsePolicy(res, { scope: 'no-store' });
 *     return res.status(404).json({ error: 'not found' });
 *   }
 *   res.json(product);
 * });
 */
export function setResponsePolicy(res: ServerResponse, policy: Partial<PolicyInput>): void {
  keepResponsePolicy(res, policy);
}

/** The override set by `setResponsePolicy()` for this response, if any (read once, when the handler answered). */
export function takeResponsePolicy(res: ServerResponse): Partial<PolicyInput> | undefined {
  return take(res);
}
