import type { Context } from 'hono';

/**
 * The Content-Type the runtime gives `new Response(string)`, when it hides it from the
 * response's `headers` (Bun: `text/plain;charset=utf-8`, sent on the wire but not listed);
 * `undefined` where it is listed (Node, Deno, workerd), read once on first use (workerd builds
 * no `Response` in a Worker's global scope).
 */
let hiddenTextType: Promise<string | undefined> | undefined;

function readHiddenTextType(): Promise<string | undefined> {
  hiddenTextType ??= (async () => {
    const res = new Response(' ');
    if (res.headers.has('content-type')) return undefined;
    return (await res.blob()).type || undefined;
  })();
  return hiddenTextType;
}

/**
 * Watches this handler run's `c.text()` on a runtime that hides the implicit Content-Type of a
 * string body: when Hono answers `new Response(text)` (its fast path), the type the runtime
 * would send is lost from the headers the cache reads. Returns `restore(res)`, which gives such a
 * response the runtime's own type back, or `undefined` on runtimes that list it.
 */
export async function watchHiddenTextType(c: Context): Promise<((res: Response) => Response) | undefined> {
  const type = await readHiddenTextType();
  if (type === undefined) return undefined;
  const text = c.text;
  let untyped: Response | undefined;
  c.text = ((...args: Parameters<Context['text']>) => {
    const res = text(...args);
    if (!res.headers.has('content-type')) untyped = res;
    return res;
  }) as Context['text'];
  return (res) => {
    c.text = text;
    if (untyped === undefined || res.headers.has('content-type') || res.body === null) return res;
    const headers = new Headers(res.headers);
    headers.set('content-type', type);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
}
