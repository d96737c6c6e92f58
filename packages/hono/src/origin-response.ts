import {
  isEndlessStream,
  type OriginContext,
  type OriginResponse,
  readBodyWithLimit,
} from '@routecache/core';
import { toHeaderRecord, toHeaders } from './exchange';

/**
 * Reads the handler's `Response` for the core: buffered when it fits `maxBodyBytes`; otherwise
 * (or for an endless stream such as SSE) sent on through `send` with the core's final headers,
 * and reported with `body: null`. A background run never sends: it cancels the stream.
 */
export async function readOriginResponse(
  res: Response,
  ctx: OriginContext,
  send: (res: Response) => void,
): Promise<OriginResponse> {
  const { status } = res;
  const headers = toHeaderRecord(res.headers);
  const passThrough = (stream: ReadableStream<Uint8Array>): OriginResponse => {
    if (ctx.background) void stream.cancel().catch(() => {});
    else send(new Response(stream, { status, headers: toHeaders(ctx.finalizeHeaders(status, headers)) }));
    return { status, headers, body: null };
  };
  if (res.body !== null && isEndlessStream(res.headers.get('content-type') ?? undefined))
    return passThrough(res.body);
  const read = await readBodyWithLimit(res.body, ctx.maxBodyBytes);
  return read.complete ? { status, headers, body: read.body } : passThrough(read.stream);
}
