/**
 * The URL a router routes a request by, in full, for routers that strip their mount path from
 * `url` (Express, and NestJS on Express): `baseUrl` (where the current router is mounted) plus
 * `url` (the rest). It equals `originalUrl` unless a middleware rewrote `url`. A router mounted at
 * the whole path (`/api` for a request to `/api?x`) sees `url` as `/` (`/?x`): that is no rewrite.
 */
export function routedUrl(baseUrl: string | undefined, url: string, originalUrl: string | undefined): string {
  if (baseUrl === '' || baseUrl === undefined) return url;
  if (url.startsWith('/') && originalUrl === baseUrl + url.slice(1)) return originalUrl;
  return baseUrl + url;
}
