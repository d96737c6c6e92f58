export { type Rewarmer, type RewarmOptions, rewarmAfterInvalidation } from './rewarm';
export { parseSitemap } from './sitemap';
export { warmCache } from './warm-cache';
export type * from './warm-types';
