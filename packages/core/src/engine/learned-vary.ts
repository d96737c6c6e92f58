import { LRUCache } from 'lru-cache';
import type { CacheRequest, Policy } from '../types';

/** Routes remembered per policy, and request headers learned per route: both bounded. */
const MAX_ROUTES = 10_000;
const MAX_LEARNED_HEADERS = 8;

/**
 * `Vary` learned from responses (RFC 9111 §4.1: a stored response may only answer requests whose
 * headers named by its `Vary` match). When the responses of a route vary on request headers its
 * policy does not key on (`cors()`'s `Origin`, compression's `Accept-Encoding`, `res.format`'s
 * `Accept`), that response is not stored, the route's key takes those headers from then on, and
 * its next responses are stored, one entry per value. Learned per instance: another instance
 * learns on its own first miss (its key without those headers never finds the keyed entries).
 */
export interface LearnedVary {
  /** The policy to key `request` by: `policy` itself, or a copy whose `vary` adds what its route learned. */
  policyFor(policy: Policy, request: CacheRequest): Policy;
  /**
   * Records that the responses of `route` under `policy` vary on `names` too. Returns the names
   * now keyed on, or `undefined` when the route already varies on too many headers to key on more.
   */
  learn(policy: Policy, route: string, names: readonly string[]): readonly string[] | undefined;
}

export function createLearnedVary(): LearnedVary {
  /** Per base policy (as declared), the derived policy of each route that learned something. */
  const byPolicy = new WeakMap<Policy, LRUCache<string, Policy>>();
  /** Derived policy → the policy it was derived from. */
  const baseOf = new WeakMap<Policy, Policy>();
  let learnedAny = false;

  return {
    policyFor(policy, request) {
      if (!learnedAny) return policy; // the hit path of an app that never needed it: no lookup
      return byPolicy.get(policy)?.get(routeOf(request)) ?? policy;
    },

    learn(policy, route, names) {
      const base = baseOf.get(policy) ?? policy;
      let routes = byPolicy.get(base);
      if (routes === undefined) {
        routes = new LRUCache({ max: MAX_ROUTES });
        byPolicy.set(base, routes);
      }
      const current = routes.get(route) ?? base;
      const vary = [...current.vary];
      for (const name of names) if (!vary.includes(name)) vary.push(name);
      if (vary.length - base.vary.length > MAX_LEARNED_HEADERS) return undefined;
      const derived: Policy = Object.freeze({ ...current, vary: Object.freeze(vary) });
      baseOf.set(derived, base);
      routes.set(route, derived);
      learnedAny = true;
      return vary.slice(base.vary.length);
    },
  };
}

/** What learning is kept per: the route label, or the path when the adapter gives none. */
export function routeOf(request: Pick<CacheRequest, 'route' | 'url'>): string {
  if (request.route !== undefined) return request.route;
  const url = String(request.url);
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
