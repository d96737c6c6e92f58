export { CachePolicy } from './cache-policy.decorator';
export { NoCache } from './no-cache.decorator';
