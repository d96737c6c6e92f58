import { LRUCache } from 'lru-cache';
import { parseRequestUrl } from '../http/key';
import { withVary } from '../policy/policy';
import type { CacheRequest, Logger, Policy } from '../types';

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
   * Records that the responses to `request` under `policy` vary on `names` too (logged at debug
   * level). A route that would vary on more than 8 learned headers learns nothing more, and
   * `logger.warn` says so once per route and header set.
   */
  learn(policy: Policy, request: CacheRequest, names: readonly string[]): void;
}

export function createLearnedVary(logger: Logger): LearnedVary {
  /** Per base policy (as declared), the derived policy of each route that learned something. */
  const byPolicy = new WeakMap<Policy, LRUCache<string, Policy>>();
  /** Derived policy → the policy it was derived from. */
  const baseOf = new WeakMap<Policy, Policy>();
  /** Routes already warned about (bounded: attacker-chosen paths only repeat a warning). */
  const warned = new LRUCache<string, true>({ max: 1000 });
  let learnedAny = false;

  return {
    policyFor(policy, request) {
      if (!learnedAny) return policy; // the hit path of an app that never needed it: no lookup
      return byPolicy.get(baseOf.get(policy) ?? policy)?.get(routeOf(request)) ?? policy;
    },

    learn(policy, request, names) {
      const route = routeOf(request);
      const base = baseOf.get(policy) ?? policy;
      let routes = byPolicy.get(base);
      if (routes === undefined) {
        routes = new LRUCache({ max: MAX_ROUTES });
        byPolicy.set(base, routes);
      }
      const current = routes.get(route) ?? base;
      const derived = withVary(current, names);
      if (derived.vary.length - base.vary.length > MAX_LEARNED_HEADERS) {
        const label = `${route} ${names.join(',')}`;
        if (warned.has(label)) return;
        warned.set(label, true);
        logger.warn(
          `routecache: responses of ${route} vary on ${names.join(', ')}, more request headers than the cache learns to key on, so they are not stored; declare them in the policy's vary`,
          { route, vary: names },
        );
        return;
      }
      baseOf.set(derived, base);
      routes.set(route, derived);
      learnedAny = true;
      logger.debug?.('routecache: keying a route by the headers its responses vary on', {
        route,
        vary: derived.vary.slice(base.vary.length),
      });
    },
  };
}

/** What learning is kept per: the route label, or the request path when the adapter gives none. */
function routeOf(request: CacheRequest): string {
  return request.routeLabel ?? parseRequestUrl(String(request.url)).path;
}
