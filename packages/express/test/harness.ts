import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import express4 from 'express4';

/** The Express majors every suite runs against. */
export const EXPRESS_VERSIONS: readonly { name: string; express: typeof express }[] = [
  { name: 'Express 5', express },
  { name: 'Express 4', express: express4 },
];

/** A running app on 127.0.0.1 and an ephemeral port. */
export interface Running {
  readonly url: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Starts `app` over real HTTP on loopback. */
export async function listen(app: express.Express): Promise<Running> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    fetch: (path, init) => fetch(url + path, init),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A response read with node:http, byte for byte (no transparent decompression, any method with a body). */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends a request with node:http: for GET with a body, and to see compressed bytes as sent. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    // Node frames a GET body only when told how: Content-Length unless chunked was asked for.
    if (options.body !== undefined && headers['transfer-encoding'] === undefined) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = httpRequest(url, { method: options.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Headers of a browser revalidation. An explicit `Cache-Control: max-age=0` stops fetch from
 * adding `no-cache` (which asks for a full response, never a 304) to conditional requests.
 */
export function revalidate(etag: string): Record<string, string> {
  return { 'if-none-match': etag, 'cache-control': 'max-age=0' };
}
