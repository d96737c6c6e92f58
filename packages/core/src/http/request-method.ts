/** What a request method means to the cache: what an adapter must hand to `RouteCache.handle()`. */
export type MethodRole =
  /** GET and HEAD: answered from the cache or stored. */
  | 'read'
  /** Unsafe methods (POST, PUT, PATCH, DELETE, WebDAV's MKCOL…): a success invalidates (RFC 9111 §4.4). */
  | 'invalidate'
  /** Safe methods other than GET/HEAD (OPTIONS, TRACE, …): they neither use nor change the cache. */
  | 'none';

/** RFC 9110 §9.2.1 (and RFC 4918 PROPFIND, RFC 5323 SEARCH, the QUERY draft): safe, not cacheable here. */
const SAFE_UNCACHED_METHODS: ReadonlySet<string> = new Set([
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'SEARCH',
  'QUERY',
]);

/**
 * The cache's role for `method` (case-insensitive). Adapters pass `'none'` requests straight to
 * the route without calling the engine, so they cost nothing and are not counted.
 */
export function methodRole(method: string): MethodRole {
  if (method === 'GET' || method === 'HEAD') return 'read';
  const upper = String(method).toUpperCase();
  if (upper === 'GET' || upper === 'HEAD') return 'read';
  return SAFE_UNCACHED_METHODS.has(upper) ? 'none' : 'invalidate';
}
