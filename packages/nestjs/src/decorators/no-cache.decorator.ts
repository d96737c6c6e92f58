import { type CustomDecorator, SetMetadata } from '@nestjs/common';
import { CACHE_POLICY_METADATA, NO_CACHE } from '../route-cache.constants';

/**
 * Passes a route (or every route of a controller) through untouched, overriding a class-level
 * `@CachePolicy()`: no server cache, no policy headers.
 */
export function NoCache(): CustomDecorator<typeof CACHE_POLICY_METADATA> {
  return SetMetadata(CACHE_POLICY_METADATA, NO_CACHE);
}
