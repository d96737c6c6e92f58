/**
 * The host a request is keyed and answered by: its `Host` header, or the first value of
 * `X-Forwarded-Host` when, and only when, the app trusts the proxy the request came from
 * (Express `trust proxy`, Fastify `trustProxy`), as Express's `req.host` reads it. An
 * untrusted `X-Forwarded-Host` is never the host (it is still part of the key, so an answer
 * built from it cannot reach a request without it).
 *
 * `trusted` is asked only when there is an `X-Forwarded-Host`.
 */
export function requestHost(
  host: string | undefined,
  forwardedHost: string | undefined,
  trusted: () => boolean,
): string {
  if (forwardedHost !== undefined && forwardedHost !== '' && trusted()) {
    const comma = forwardedHost.indexOf(',');
    return (comma === -1 ? forwardedHost : forwardedHost.slice(0, comma)).trim();
  }
  return host ?? '';
}
