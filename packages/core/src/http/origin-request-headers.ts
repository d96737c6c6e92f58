/**
 * The validators the engine evaluates itself: on a GET or HEAD origin run, the handler must not
 * see them, so that it always produces the full response the engine stores and answers the 304
 * from (RFC 9110 §13.2.1: a cache evaluates the preconditions of the request it answers).
 */
const HIDDEN_FROM_READS: readonly string[] = Object.freeze(['if-none-match', 'if-modified-since']);
const NONE: readonly string[] = Object.freeze([]);

/**
 * The request headers (lower-case) an adapter hides from the handler during an origin run of a
 * `method` request: `If-None-Match` and `If-Modified-Since` on GET and HEAD; none on other
 * methods, whose preconditions (`If-None-Match: *` on PUT, `If-Match`) are the handler's own.
 */
export function originHiddenHeaders(method: string): readonly string[] {
  const upper = method === 'GET' || method === 'HEAD' ? method : method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' ? HIDDEN_FROM_READS : NONE;
}

/**
 * `headers` without those `originHiddenHeaders(method)` names: `headers` itself when it has
 * none of them, else a copy (the request's own record is never changed).
 */
export function withoutOriginHiddenHeaders<T extends Readonly<Record<string, unknown>>>(
  method: string,
  headers: T,
): T {
  const hidden = originHiddenHeaders(method);
  let copy: Record<string, unknown> | undefined;
  for (const name of hidden) {
    if (headers[name] === undefined) continue;
    copy ??= { ...headers };
    delete copy[name];
  }
  return (copy ?? headers) as T;
}
