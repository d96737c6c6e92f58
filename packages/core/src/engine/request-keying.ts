import type { Logger } from '../types';
import { createLearnedVary, type LearnedVary } from './learned-vary';
import { createScopeMemo, type ScopeMemo } from './request-scope';

/**
 * What every door into one cache keys requests with (`handle()` and `earlyHits()`): the memos of
 * the pure key steps and the `Vary` each route learned, so both doors find the same entry.
 */
export interface RequestKeying {
  readonly memo: ScopeMemo;
  readonly learnedVary: LearnedVary;
}

export function createRequestKeying(logger: Logger): RequestKeying {
  return { memo: createScopeMemo(), learnedVary: createLearnedVary(logger) };
}
