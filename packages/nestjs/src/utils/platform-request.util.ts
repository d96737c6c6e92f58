import { requestHost, withoutOriginHiddenHeaders } from '@routecache/core/adapter';
import type { PlatformRequest } from './request-url.util';

/**
 * Hides from the handler the request headers the core names for an origin run (the validators
 * on GET and HEAD), on a copy of the header record: the engine keeps reading the client's own.
 */
export function hideOriginHeaders(req: PlatformRequest): void {
  const target = req.raw ?? req;
  const headers = withoutOriginHiddenHeaders(req.method, target.headers);
  if (headers !== target.headers) target.headers = headers;
}

/**
 * The host as the platform reads it under its proxy settings: `X-Forwarded-Host` only from a
 * trusted proxy (Express `trust proxy`; Fastify `trustProxy`, which its `request.host` applies).
 */
export function platformHost(req: PlatformRequest, get: (name: string) => string | undefined): string {
  if (req.raw) return typeof req.host === 'string' ? req.host : (get('host') ?? '');
  return requestHost(get('host'), get('x-forwarded-host'), () => {
    const trust = req.app?.get('trust proxy fn') as
      | ((address: string | undefined, hop: number) => boolean)
      | undefined;
    return trust?.(req.socket?.remoteAddress, 0) === true;
  });
}
