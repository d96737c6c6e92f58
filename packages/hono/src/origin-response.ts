import type { OriginContext, OriginResponse, PolicyInput, ResponseHeaders } from '@routecache/core';
import { isEndlessStream, readBodyWithLimit, replayThenRest, settledWithin } from '@routecache/core/adapter';
import type { Context } from 'hono';
import { splitUrl, toHeaderRecord, toHeaders } from './exchange';

/**
 * What a handler run saw before it started: the headers middleware before the cache had put on
 * the context (`cors()`'s `Access-Control-Allow-Origin`), which are this request's, not the
 * answer's. Read just before `next()`, through a throwaway `c.newResponse()`: reading `c.res`
 * would make Hono prepare its headers, and `c.text()` would then send its explicit
 * `text/plain; charset=UTF-8` where the route alone sends the runtime's own
 * `text/plain;charset=UTF-8`.
 */
export function readPresetHeaders(c: Context): ResponseHeaders {
  try {
    return toHeaderRecord(c.newResponse(null).headers);
  } catch {
    // A status set before the cache that no `Response` takes (1xx): Hono's own view of it.
    return toHeaderRecord(c.res.headers);
  }
}

/**
 * Reads the handler's `Response` for the core: buffered when it fits `maxBodyBytes`; otherwise
 * (or for an endless stream such as SSE) sent on through `send` with the core's final headers,
 * and reported with `body: null`. A background run never sends: it cancels the stream.
 * Headers equal to `preset` are reported apart (never stored), and the method and URL of the
 * request the handler answered (`c.req.raw`, which a later middleware may have replaced) and the
 * handler's `setResponsePolicy()` override (`policy`) go with it.
 */
export async function readOriginResponse(
  res: Response,
  ctx: OriginContext,
  send: (res: Response) => void,
  preset: ResponseHeaders,
  answered: Request,
  policy: Partial<PolicyInput> | undefined,
): Promise<OriginResponse> {
  const { status } = res;
  const { headers, kept } = splitPreset(toHeaderRecord(res.headers), preset);
  const served = { method: answered.method, url: splitUrl(answered.url).pathAndQuery };
  const base = { status, headers, served, ...(kept && { preset: kept }), ...(policy && { policy }) };
  const passThrough = (stream: ReadableStream<Uint8Array> | Uint8Array): OriginResponse => {
    if (ctx.background) {
      if (stream instanceof ReadableStream) void stream.cancel().catch(() => {});
    } else
      send(
        new Response(stream, {
          status,
          headers: toHeaders(withPreset(ctx.finalizeHeaders(status, headers, base), kept)),
        }),
      );
    return { ...base, body: null };
  };
  if (res.body !== null && isEndlessStream(res.headers.get('content-type') ?? undefined))
    return passThrough(res.body);
  const read = await readBodyWithLimit(res.body, ctx.maxBodyBytes);
  if (read.complete) return { ...base, body: read.body };
  return passThrough(await wholeIfGivenWhole(read.stream, ctx.maxBodyBytes));
}

/**
 * A body over `maxBytes` that the handler gave in one piece (`c.text(large)`: its first chunk is
 * already over the limit, and the stream has ended by the next turn of the event loop), as those
 * bytes: the runtime then frames it with `Content-Length`, as it does the handler's own response,
 * instead of chunking a stream. Nothing more is buffered than the piece the handler handed over.
 * Any other body stays a stream (replaying what was read).
 */
async function wholeIfGivenWhole(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<ReadableStream<Uint8Array> | Uint8Array> {
  const reader = stream.getReader();
  const first = await reader.read();
  if (first.done) return new Uint8Array(0);
  if (first.value.byteLength <= maxBytes) return replayThenRest([first.value], reader);
  const next = reader.read();
  const ended = await settledWithin(next, 0);
  if (ended?.done) return first.value;
  return replayThenRest([first.value], reader, next);
}

/** `headers` without the ones still equal to what was preset, and those preset ones. */
function splitPreset(
  headers: ResponseHeaders,
  preset: ResponseHeaders,
): { headers: ResponseHeaders; kept: ResponseHeaders | undefined } {
  let kept: ResponseHeaders | undefined;
  for (const name in preset) {
    const value = headers[name];
    if (value === undefined || String(value) !== String(preset[name])) continue;
    kept ??= {};
    kept[name] = value;
    delete headers[name];
  }
  return { headers, kept };
}

/** `headers` plus the preset ones it does not set itself: what the client gets. */
export function withPreset(headers: ResponseHeaders, preset: ResponseHeaders | undefined): ResponseHeaders {
  if (preset === undefined) return headers;
  const all = { ...headers };
  for (const name in preset) if (all[name] === undefined) all[name] = preset[name]!;
  return all;
}
