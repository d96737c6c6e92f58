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
