import type { Policy, PolicyInput } from '@routecache/core';
import { PolicyError } from '@routecache/core';
import { parseRouteKey, prefixPolicyError } from '@routecache/core/adapter';
import type { Application, Request } from 'express';
import express from 'express';

/** One entry of the `routes` option, validated. */
export interface TableRoute {
  /** The route label in stats, e.g. `'GET /api/products/:id'` (for the key `'/api/products/:id'` too). */
  readonly label: string;
  /** The Express path pattern. */
  readonly path: string;
  readonly policy: Policy;
}

/** A request's route in the table and its parameters. */
export interface TableMatch {
  readonly route: TableRoute;
  readonly params: Record<string, string>;
}

/**
 * The parts of a router layer used to match a path: Express 4's `match()` answers a boolean and
 * sets `params`; Express 5's (router 2.x) answers `{ params }` or `false`.
 */
interface Layer {
  match(path: string): boolean | { params: Record<string, string> };
  params?: Record<string, string>;
}
interface RouterLike {
  route(path: string): unknown;
  stack: Layer[];
}
type RouterFactory = () => RouterLike;

/**
 * Validates the `routes` option: keys as the core's `parseRouteKey()` reads them (`'GET <path>'`
 * or `'<path>'`; GET also covers HEAD), paths that compile with the installed Express's router,
 * and valid policies.
 *
 * @throws PolicyError whose `field` names the route, e.g. `routes["GET /x"].sMaxAge`.
 */
export function parseRoutes(
  routes: Record<string, PolicyInput>,
  define: (input: PolicyInput) => Policy,
): TableRoute[] {
  return Object.entries(routes).map(([key, input]) => {
    const field = `routes[${JSON.stringify(key)}]`;
    const { path, label } = parseRouteKey(key);
    try {
      (express.Router as unknown as RouterFactory)().route(path);
    } catch (error) {
      throw new PolicyError(field, `invalid Express path "${path}": ${(error as Error).message}`);
    }
    try {
      return { label, path, policy: define(input) };
    } catch (error) {
      throw prefixPolicyError(field, error);
    }
  });
}

/**
 * Finds the first table route matching `req.path`, compiled by the request's own app router
 * (its path-to-regexp version and its `case sensitive routing` / `strict routing` settings), so
 * patterns match exactly as the same pattern in `app.get()` would.
 */
export function createRouteMatcher(routes: readonly TableRoute[]): (req: Request) => TableMatch | undefined {
  const compiled = new WeakMap<Application, Layer[]>();
  return function matchRoute(req) {
    let layers = compiled.get(req.app);
    if (layers === undefined) {
      layers = compileLayers(req.app, routes);
      compiled.set(req.app, layers);
    }
    const path = req.path;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      try {
        const matched = layer.match(path);
        if (matched)
          return { route: routes[i]!, params: { ...(matched === true ? layer.params : matched.params) } };
      } catch {
        return undefined; // a malformed escape in the path: Express answers 400 itself
      }
    }
    return undefined;
  };
}

function compileLayers(app: Application, routes: readonly TableRoute[]): Layer[] {
  // Express 4 keeps its router in `_router` (its `app.router` throws); Express 5 in `router`.
  // Both routers' `route()` reads only `caseSensitive`, `strict` and `stack` from `this`.
  const routers = app as unknown as { _router?: RouterLike; router?: RouterLike };
  const base = routers._router ?? routers.router;
  const route = base?.route ?? (express.Router as unknown as RouterFactory)().route;
  const target = {
    caseSensitive: app.enabled('case sensitive routing'),
    strict: app.enabled('strict routing'),
    stack: [] as Layer[],
  };
  for (const { path } of routes) route.call(target, path);
  return target.stack;
}
