/**
 * The interceptor's protected hooks that decide which requests use the cache and how they are
 * keyed. The early door answers before any interceptor runs, so it cannot apply a subclass's
 * versions of them.
 */
export const REQUEST_HOOKS = ['getPolicy', 'isRequestCacheable', 'toCacheRequest'] as const;

/** The first of `REQUEST_HOOKS` that `subclass` overrides from `base`, if any. */
export function overriddenRequestHook(subclass: Function, base: Function): string | undefined {
  const own = subclass.prototype as Record<string, unknown>;
  const inherited = base.prototype as Record<string, unknown>;
  return REQUEST_HOOKS.find((name) => own[name] !== inherited[name]);
}
