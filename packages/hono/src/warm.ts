import type { WarmDispatch } from '@routecache/core';
import { PolicyError } from '@routecache/core';
import type { RefreshApp } from './refresh';

/**
 * A warm dispatcher over `app.fetch`: each target is a `Request` the app handles as a visitor's
 * (every middleware included), on any runtime. Without a `Host` header the URL's host is
 * `localhost`; send the host your visitors use, it is part of the key.
 */
export function createFetchDispatch(
  app: RefreshApp | undefined,
  method: string,
  env?: unknown,
): WarmDispatch {
  if (!app || typeof app.fetch !== 'function') {
    throw new PolicyError('app', `${method}: give the Hono app (routeCache({ app }) or { app })`);
  }
  return async (path, headers) => {
    const host = headers.host ?? 'localhost';
    const response = await app.fetch(new Request(`http://${host}${path}`, { headers }), env);
    return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
  };
}
