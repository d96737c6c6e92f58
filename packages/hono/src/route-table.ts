import type { Policy, PolicyInput } from '@routecache/core';
import { parseRouteKey, prefixPolicyError, routeLabel } from '@routecache/core/adapter';
import { TrieRouter } from 'hono/router/trie-router';
import type { RouteTarget } from './respond';

/** One entry of the table: its policy, its GET label and its path pattern. */
interface TableRoute {
  readonly policy: Policy;
  readonly route: string;
  readonly path: string;
}

/** The `routes` option compiled for matching with Hono's own path syntax (`:id`, `*`, `{regex}`). */
export interface RouteTable {
  /**
   * The first declared route matching `path` (every method is matched against the GET routes),
   * labelled for `method`'s stats (HEAD under GET, an unsafe method under its own name).
   */
  match(path: string, method: string): RouteTarget | undefined;
}

/**
 * Compiles `{ 'GET /api/products/:id': { maxAge: 60 } }`. Keys as the core's `parseRouteKey()`
 * reads them (`'GET /path'` or `'/path'`, HEAD answered from GET); policies are validated now,
 * and a bad key or policy throws `PolicyError` naming `routes["<key>"]`.
 */
export function compileRouteTable(
  routes: Readonly<Record<string, PolicyInput>>,
  define: (input: PolicyInput) => Policy,
): RouteTable {
  const router = new TrieRouter<[number, TableRoute]>();
  let order = 0;
  for (const [key, input] of Object.entries(routes)) {
    const { path, label } = parseRouteKey(key);
    let policy: Policy;
    try {
      policy = define(input);
    } catch (error) {
      throw prefixPolicyError(`routes[${JSON.stringify(key)}]`, error);
    }
    router.add('GET', path, [order++, { policy, route: label, path }]);
  }
  return {
    match(path, method) {
      const [matches] = router.match('GET', path) as [[[number, TableRoute], Record<string, string>][]];
      let best: [[number, TableRoute], Record<string, string>] | undefined;
      for (const m of matches) if (!best || m[0][0] < best[0][0]) best = m;
      if (!best) return undefined;
      const { policy, route, path: pattern } = best[0][1];
      const label = method === 'GET' || method === 'HEAD' ? route : routeLabel(method, pattern);
      return { policy, route: label, params: decodeParams(best[1]) };
    },
  };
}

function decodeParams(params: Record<string, string>): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const name in params) {
    const value = params[name]!;
    try {
      decoded[name] = decodeURIComponent(value);
    } catch {
      decoded[name] = value;
    }
  }
  return decoded;
}
