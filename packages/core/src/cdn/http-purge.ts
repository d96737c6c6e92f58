import { PolicyError, PurgeError } from '../errors';
import { parseHttpDate } from '../http/conditional';

/** A `fetch` implementation (the global one by default); injectable for proxies and tests. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** One HTTP call a purger makes. */
export interface PurgeHttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

/** Longest CDN answer text kept in an error message, characters. */
const MAX_DETAIL = 300;

/**
 * Sends one purge call and classifies the outcome: a 2xx resolves the answer's text; 408, 429
 * and 5xx throw a retryable `PurgeError` carrying `Retry-After` (RFC 9110 §10.2.3: seconds or an
 * HTTP-date); any other status (401, 403, 400, …) throws a non-retryable one; a network error or
 * an abort throws a retryable one with the cause.
 */
export async function sendPurgeRequest(
  cdn: string,
  request: PurgeHttpRequest,
  fetchImpl: FetchLike = fetch,
): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: request.signal,
      redirect: 'manual',
    });
  } catch (error) {
    if (request.signal.aborted && request.signal.reason instanceof PurgeError) throw request.signal.reason;
    throw new PurgeError(
      `cdn "${cdn}": ${request.method} ${redact(request.url)} failed: ${describe(error)}`,
      {
        cdn,
        cause: error,
      },
    );
  }
  const text = await response.text().catch(() => '');
  if (response.status >= 200 && response.status < 300) return text;
  const status = response.status;
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  throw new PurgeError(
    `cdn "${cdn}": ${request.method} ${redact(request.url)} answered ${status}${text ? `: ${text.slice(0, MAX_DETAIL)}` : ''}`,
    { cdn, status, retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}

/**
 * `Retry-After` in ms (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date (relative to now, at
 * least 0); `undefined` when absent or malformed.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = parseHttpDate(text);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/** `url` without its query (purged URLs may carry tokens in it). */
function redact(url: string): string {
  const question = url.indexOf('?');
  return question < 0 ? url : `${url.slice(0, question)}?…`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

/** `value` when it is a non-empty string, else a `PolicyError` naming the purger option. */
export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new PolicyError(field, 'must be a non-empty string');
  return value;
}
