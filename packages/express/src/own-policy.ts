import type { Application, Request } from 'express';

/**
 * The router internals read to find the route a request will reach. Express 4's `Layer.match()`
 * answers a boolean and sets `layer.path`; Express 5's (router 2.x) answers `{ path }` or `false`.
 */
interface Layer {
  match(path: string): boolean | { path: string };
  path?: string;
  handle: unknown;
  route?: RouteLike;
}
interface RouteLike {
  stack: { handle: unknown }[];
  _handles_method?(method: string): boolean;
  _handlesMethod?(method: string): boolean;
}

/** The layers of a stack that lead to a route carrying an `rc.policy()`, by stack (recomputed as it grows). */
interface Found {
  length: number;
  layers: Layer[];
}

/**
 * Answers whether the route the app will dispatch `req` to (a route of the app, or of a router
 * or sub-app mounted on it) carries one of `handlers` (`rc.policy()` middlewares): the table then
 * leaves the request to it, so a route's own policy wins over the `routes` table (the core's
 * `parseRouteKey` states the rule). Only the layers leading to such routes are matched.
 */
export function createOwnPolicyFinder(handlers: WeakSet<object>): (req: Request) => boolean {
  const found = new WeakMap<Layer[], Found>();

  const leadsToPolicy = (stack: Layer[]): Layer[] => {
    let known = found.get(stack);
    if (known === undefined || known.length !== stack.length) {
      known = {
        length: stack.length,
        layers: stack.filter((layer) => {
          if (layer.route) return layer.route.stack.some((inner) => handlers.has(inner.handle as object));
          const nested = stackOf(layer.handle);
          return nested !== undefined && leadsToPolicy(nested).length > 0;
        }),
      };
      found.set(stack, known);
    }
    return known.layers;
  };

  const reaches = (stack: Layer[], path: string, method: string): boolean => {
    for (const layer of leadsToPolicy(stack)) {
      let matched: string | undefined;
      try {
        const result = layer.match(path);
        if (result === false) continue;
        matched = result === true ? (layer.path ?? '') : result.path;
      } catch {
        continue; // a malformed escape: Express answers 400 itself
      }
      if (layer.route) {
        const route = layer.route;
        if (route._handlesMethod?.(method) ?? route._handles_method?.(method)) return true;
        continue;
      }
      const nested = stackOf(layer.handle);
      if (nested && reaches(nested, path.slice(matched.length) || '/', method)) return true;
    }
    return false;
  };

  return function hasOwnPolicy(req) {
    const stack = stackOf(req.app);
    // A HEAD request is dispatched to GET routes.
    return stack !== undefined && reaches(stack, req.path, req.method === 'HEAD' ? 'GET' : req.method);
  };
}

/** The layer stack of a router, or of an app (Express 4 `_router`, Express 5 `router`). */
function stackOf(handle: unknown): Layer[] | undefined {
  const target = handle as { stack?: Layer[]; _router?: { stack: Layer[] }; router?: { stack: Layer[] } };
  if (typeof target !== 'function' && typeof target !== 'object') return undefined;
  if (target === null) return undefined;
  if (Array.isArray(target.stack)) return target.stack;
  const app = target as Application & typeof target;
  // Express 4's `app.router` getter throws: read `_router` first.
  return app._router?.stack ?? (Array.isArray(app.router?.stack) ? app.router.stack : undefined);
}
