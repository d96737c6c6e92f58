import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WarmDispatch } from '../warm/warm-types';

/**
 * A warm dispatcher over real HTTP on loopback: requests go to `server` when it is listening
 * (Nest's HTTP server after `app.listen()`), or to a server started for the duration of the
 * warming on `127.0.0.1` and a free port (`listener`: an Express app, or a Nest HTTP server
 * not listening yet). So warmed entries go through every middleware a visitor's request does.
 *
 * @returns `dispatch` for `warmCache()`, and `close()` to stop the temporary server.
 */
export async function createHttpDispatch(
  target: { readonly server: Server } | { readonly listener: RequestListener },
): Promise<{ dispatch: WarmDispatch; close(): Promise<void> }> {
  let server: Server;
  let owned = false;
  if ('server' in target && target.server.listening) {
    server = target.server;
  } else {
    server =
      'server' in target ? target.server : createServer((target as { listener: RequestListener }).listener);
    owned = true;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }
  const address = server.address() as AddressInfo;
  const hostname =
    address.family === 'IPv6'
      ? address.address === '::'
        ? '::1'
        : address.address
      : address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address;
  const dispatch: WarmDispatch = (path, headers) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: hostname, port: address.port, path, method: 'GET', headers: { ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: new Uint8Array(Buffer.concat(chunks)) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  return {
    dispatch,
    close: () =>
      owned
        ? new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections?.();
          })
        : Promise.resolve(),
  };
}
