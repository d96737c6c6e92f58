import { PolicyError } from '../errors';

/** A key of an adapter's `routes` table, parsed. */
export interface RouteKey {
  /** The path pattern, in the framework's own syntax (`/api/products/:id`). */
  readonly path: string;
  /** The route's stats label: `GET <path>` (HEAD is counted under GET). */
  readonly label: string;
}

const ROUTE_KEY = /^(?:(\S+)\s+)?(\S+)$/;

/**
 * Parses a key of the `routes` table, the same way in every adapter: `'GET /path'` or the bare
 * `'/path'` (the same route), `GET` in any case. GET covers HEAD (RFC 9110 §9.3.2: HEAD is
 * answered from the GET entry), so `'HEAD /path'` is refused, as is any other method: unsafe
 * requests to a table path go through the cache anyway, and invalidate its URL on success.
 *
 * Precedence (every adapter): a route with its own policy (`rc.policy()`) is served under that
 * policy; the table applies to the routes without one.
 *
 * @throws PolicyError whose `field` is `routes["<key>"]`.
 */
export function parseRouteKey(key: string): RouteKey {
  const field = `routes[${JSON.stringify(key)}]`;
  const match = ROUTE_KEY.exec(key.trim());
  const method = match?.[1];
  const path = match?.[2];
  if (path === undefined || !path.startsWith('/')) {
    throw new PolicyError(field, 'expected "GET /path" or "/path", e.g. "GET /api/products/:id"');
  }
  if (method !== undefined && method.toUpperCase() !== 'GET') {
    const hint = method.toUpperCase() === 'HEAD' ? `; HEAD is answered from GET: write "GET ${path}"` : '';
    throw new PolicyError(
      field,
      `only GET routes are declared (GET also covers HEAD), got "${method}"${hint}`,
    );
  }
  return { path, label: routeLabel('GET', path) };
}

/**
 * The stats label of a request to the route `path`: `<METHOD> <path>`, with HEAD counted under
 * GET (it is answered from the GET entry), so a route's stats never split by method.
 */
export function routeLabel(method: string, path: string): string {
  if (method === 'GET' || method === 'HEAD') return `GET ${path}`;
  const upper = method.toUpperCase();
  return `${upper === 'HEAD' ? 'GET' : upper} ${path}`;
}
