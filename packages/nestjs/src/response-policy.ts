import type { PolicyInput } from '@routecache/core';
import { keepResponsePolicy, takeResponsePolicy as take } from '@routecache/core/adapter';

/**
 * Overrides the route's policy for this one response, e.g. to keep an error or a personalised
 * answer out of every cache. `response` is the platform's response as Nest's `@Res()` gives it
 * (Express's `res` or Fastify's `reply`; take it with `@Res({ passthrough: true })` so Nest still
 * sends what the handler returns). The fields are merged over the route's policy by the engine,
 * which then decides whether to store the response and which headers it gets (a response
 * streamed through gets them too). A later call replaces the earlier one.
 *
 * @throws PolicyError naming the field when `policy` is invalid on its own, or sets a field that
 * shapes the cache key (`from`, `vary`, `query`, `identify`, `shareAuthenticated`): checked at once,
 * so a mistake surfaces in the handler that made it.
 * @example
 * @Get(':id')
 * @CachePolicy({ maxAge: 60 })
 * find(@Param('id') id: string, @Res({ passthrough: true }) res: Response) {
 *   const product = this.products.find(id);
 *   if (product === undefined) {
 *     setResponsePolicy(res, { scope: 'no-store' });
 *     throw new NotFoundException();
 *   }
 *   return product;
 * }
 */
export function setResponsePolicy(response: object, policy: Partial<PolicyInput>): void {
  keepResponsePolicy(response, policy);
}

/** The override set by `setResponsePolicy()` for `response`, if any, forgotten once read. */
export function takeResponsePolicy(response: object): Partial<PolicyInput> | undefined {
  return take(response);
}
