import { type CustomDecorator, SetMetadata } from '@nestjs/common';
import type { PolicyInput } from '@routecache/core';
import { CACHE_POLICY_METADATA } from '../route-cache.constants';

/**
 * Declares the cache policy of a route (on a method) or of every route of a controller (on
 * the class); a method's policy replaces its class's. Durations are seconds or strings
 * (`'30s'`, `'5m'`). The policy is validated when the module starts: an invalid one fails
 * start-up with an error naming the controller, the method and the field.
 *
 * @example
 * ```ts
 * @Get(':id')
 * @CachePolicy({ maxAge: 60, sMaxAge: '5m', tags: (req) => [`product:${req.params.id}`] })
 * findOne(@Param('id') id: string) { … }
 * ```
 */
export function CachePolicy(input: PolicyInput): CustomDecorator<typeof CACHE_POLICY_METADATA> {
  return SetMetadata(CACHE_POLICY_METADATA, input);
}
