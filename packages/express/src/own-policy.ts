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

/** The route and router layers of a stack, and whether a route carrying an `rc.policy()` is among them (recomputed as it grows). */
interface Found {
  readonly length: number;
  readonly layers: Layer[];
  readonly any: boolean;
}

/** What a stack makes of a request: its first matching route carries a policy, another route answers, or none matches. */
type Reached = 'own' | 'other' | 'none';

/**
 * Answers whether the first route the app dispatches `req` to (a route of the app, or of a
 * router or sub-app mounted on it, in the order Express tries them) carries one of `handlers`
 * (`rc.policy()` middlewares): the table then leaves the request to it, so a route's own policy
 * wins over the `routes` table, as the core's `parseRouteKey` states. Free when the app has no
 * `rc.policy()` route; else it costs one more routing of the request, in table routes only.
 * A sub-app mounted with `app.use(subApp)` is opaque (Express wraps it in a closure): its routes
 * are served under the table, as before; routers (`express.Router()`) are looked into.
 */
export function createOwnPolicyFinder(handlers: WeakSet<object>): (req: Request) => boolean {
  const found = new WeakMap<Layer[], Found>();

  /** The layers of `stack` that are routes or lead to a route carrying a policy, memoised per stack. */
  const withPolicies = (stack: Layer[]): Found => {
    let known = found.get(stack);
    if (known === undefined || known.length !== stack.length) {
      const layers: Layer[] = [];
      let any = false;
      for (const layer of stack) {
        if (layer.route) {
          layers.push(layer);
          any ||= layer.route.stack.some((inner) => handlers.has(inner.handle as object));
          continue;
        }
        const nested = stackOf(layer.handle);
        if (nested === undefined) continue;
        layers.push(layer);
        any ||= withPolicies(nested).any;
      }
      known = { length: stack.length, layers, any };
      found.set(stack, known);
    }
    return known;
  };

  const reach = (stack: Layer[], path: string, method: string): Reached => {
    for (const layer of withPolicies(stack).layers) {
      let matched: string;
      try {
        const result = layer.match(path);
        if (result === false) continue;
        matched = result === true ? (layer.path ?? '') : result.path;
      } catch {
        return 'none'; // a malformed escape: Express answers 400 itself
      }
      const route = layer.route;
      if (route) {
        if (!(route._handlesMethod?.(method) ?? route._handles_method?.(method))) continue;
        return route.stack.some((inner) => handlers.has(inner.handle as object)) ? 'own' : 'other';
      }
      const reached = reach(stackOf(layer.handle)!, path.slice(matched.length) || '/', method);
      if (reached !== 'none') return reached;
    }
    return 'none';
  };

  return function hasOwnPolicy(req) {
    const stack = stackOf(req.app);
    if (stack === undefined || !withPolicies(stack).any) return false;
    // A HEAD request is dispatched to GET routes.
    return reach(stack, req.path, req.method === 'HEAD' ? 'GET' : req.method) === 'own';
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
