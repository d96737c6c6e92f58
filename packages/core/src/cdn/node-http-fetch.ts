import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FetchLike } from './http-purge';

/**
 * A minimal `fetch` over `node:http(s)` that sends the `Host` header it is given (the Fetch
 * standard forbids setting `Host`, and Node's `fetch` drops it), as a purge to a Varnish node
 * needs: the node is addressed by IP, the object by the public host. Node only.
 */
export const nodeHttpFetch: FetchLike = (input, init) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(input);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = send(
      url,
      { method: init.method ?? 'GET', headers, signal: init.signal ?? undefined },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
          }
          const status = res.statusCode ?? 502;
          const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
