/**
 * A local HTTP server standing in for a CDN's purge API in the purgers' tests (node:http on
 * 127.0.0.1): it records every request and answers what the test decides, including 429s,
 * 5xx and answers that never come. Test support only; not exported.
 */

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** One request the fake API received. */
export interface ApiRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the fake API answers: a status with headers and body, or `'hang'` (never answers). */
export type ApiAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface FakeCdnApi {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: ApiRequest[];
  /** Sets how the next requests are answered (`n` counts requests from 1). */
  respond(answer: (request: ApiRequest, n: number) => ApiAnswer): void;
  close(): Promise<void>;
}

export async function startFakeCdnApi(): Promise<FakeCdnApi> {
  const requests: ApiRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let answer: (request: ApiRequest, n: number) => ApiAnswer = () => ({ status: 200, body: '{}' });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ApiRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const decided = answer(request, requests.length);
      if (decided === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(decided.status, { 'content-type': 'application/json', ...decided.headers });
      res.end(decided.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    respond(next) {
      answer = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Starts a fake API for the enclosing `describe` (stopped after it) and, before each test,
 * forgets its requests and answers `answer` again. Read the API through the returned getter.
 */
export function useFakeCdnApi(answer: ApiAnswer): () => FakeCdnApi {
  let api: FakeCdnApi | undefined;
  beforeAll(async () => {
    api = await startFakeCdnApi();
  });
  afterAll(() => api?.close());
  beforeEach(() => {
    api?.requests.splice(0);
    api?.respond(() => answer);
  });
  return () => api as FakeCdnApi;
}
