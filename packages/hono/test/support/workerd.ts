import { Miniflare } from 'miniflare';
import { bundleForEdge } from './bundle';

/** A worker running in a real workerd through miniflare. */
export interface Workerd {
  /** Sends a request to the worker (miniflare's `dispatchFetch`), answered as a standard `Response`. */
  fetch(input: string | Request, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/** Bundles `entry` with esbuild and starts it in workerd (no port is opened). */
export async function startWorkerd(entry: string): Promise<Workerd> {
  const { code } = await bundleForEdge(entry);
  const mf = new Miniflare({ modules: true, script: code, compatibilityDate: '2026-07-01' });
  await mf.ready;
  return {
    async fetch(input, init) {
      const request =
        input instanceof Request ? input : new Request(new URL(input, 'http://localhost'), init);
      const headers = [...request.headers];
      const body = request.body ? await request.arrayBuffer() : undefined;
      const res = await mf.dispatchFetch(request.url, {
        method: request.method,
        headers,
        body,
        redirect: 'manual',
      });
      // miniflare answers with undici's Response; hand back a standard one (same headers and stream).
      return new Response(res.body as ReadableStream<Uint8Array> | null, {
        status: res.status,
        headers: [...res.headers] as [string, string][],
      });
    },
    dispose: () => mf.dispose(),
  };
}

/** Bundles `entry` and serves it from workerd on a free loopback port, for real HTTP clients. */
export async function serveWorkerd(entry: string): Promise<{ url: string; dispose(): Promise<void> }> {
  const { code } = await bundleForEdge(entry);
  const mf = new Miniflare({
    modules: true,
    script: code,
    compatibilityDate: '2026-07-01',
    host: '127.0.0.1',
    port: 0,
  });
  const url = await mf.ready;
  return { url: url.origin, dispose: () => mf.dispose() };
}
