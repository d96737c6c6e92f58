import { PolicyError } from '../errors';
import type { AnswerEvent } from '../metrics/events';
import { monotonicMs } from '../metrics/metrics-hub';
import type { RouteCache } from '../types';
import { parseSitemap } from './sitemap';
import type {
  WarmDispatch,
  WarmOptions,
  WarmProgress,
  WarmResult,
  WarmSource,
  WarmSummary,
  WarmTarget,
} from './warm-types';

interface Request {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** `host pathname`: how the cache's answer for it is found. */
  readonly match: string;
}

/**
 * Warms `cache` by sending each target through the app with `dispatch` (an adapter's: the
 * Express app, Hono's `app.fetch`, Nest's HTTP adapter), so every stored entry is exactly what
 * a visitor's request would have stored. Each target's outcome is read from the cache's own
 * answer (stored, already fresh, skipped as uncacheable, failed), not guessed from headers.
 *
 * Never rejects for a failing target (it is counted as `failed`); rejects only when the
 * sitemap cannot be read or an option is invalid.
 *
 * @throws PolicyError naming the option when an option is invalid.
 */
export async function warmCache(
  cache: RouteCache,
  dispatch: WarmDispatch,
  source: WarmSource,
  options: WarmOptions = {},
): Promise<WarmSummary> {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new PolicyError('concurrency', 'warm(): must be a whole number, 1 or more');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new PolicyError('onProgress', 'warm(): must be a function');
  }
  const maxTargets = options.maxTargets ?? 10_000;
  if (!Number.isInteger(maxTargets) || maxTargets < 1) {
    throw new PolicyError('maxTargets', 'warm(): must be a whole number, 1 or more');
  }
  const baseHeaders = lowerCaseKeys(options.headers ?? {});
  const targets = Array.isArray(source)
    ? (source as readonly WarmTarget[])
    : await readSitemap(dispatch, (source as { sitemap: string }).sitemap, baseHeaders, maxTargets);
  if (!Array.isArray(targets)) throw new PolicyError('targets', 'warm(): give a list of URLs or { sitemap }');
  const requests = dedupe(targets.map((target) => toRequest(target, baseHeaders)));

  const answers = new Map<string, AnswerEvent[]>();
  const detach = cache.observe({
    answer(event) {
      const key = `${event.host} ${event.url.split('?', 1)[0]}`;
      const list = answers.get(key);
      if (list) list.push(event);
      else answers.set(key, [event]);
    },
  });
  const started = monotonicMs();
  const results: WarmResult[] = new Array(requests.length);
  let done = 0;
  let next = 0;
  try {
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index]!;
        const result = await warmOne(request);
        results[index] = result;
        done++;
        report({ done, total: requests.length, result });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  } finally {
    detach();
  }

  function report(progress: WarmProgress): void {
    try {
      options.onProgress?.(progress);
    } catch {
      // A progress callback must not stop the warming.
    }
  }

  async function warmOne(request: Request): Promise<WarmResult> {
    const t0 = monotonicMs();
    let status: number;
    try {
      ({ status } = await dispatch(request.path, request.headers));
    } catch (error) {
      return {
        url: request.path,
        outcome: 'failed',
        reason: describe(error),
        durationMs: monotonicMs() - t0,
      };
    }
    const durationMs = monotonicMs() - t0;
    const event = answers.get(request.match)?.shift();
    const base = { url: request.path, status, durationMs };
    if (status >= 500) return { ...base, outcome: 'failed', reason: `status ${status}` };
    if (!event) return { ...base, outcome: 'skipped', reason: 'no policy' };
    switch (event.outcome) {
      case 'miss':
        return event.stored
          ? { ...base, outcome: 'stored' }
          : { ...base, outcome: 'skipped', reason: 'not stored' };
      case 'hit':
      case 'stale':
      case 'coalesced':
        return { ...base, outcome: 'fresh' };
      default:
        return { ...base, outcome: 'skipped', reason: event.reason ?? 'bypass' };
    }
  }

  const count = (outcome: WarmResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  return {
    total: results.length,
    stored: count('stored'),
    fresh: count('fresh'),
    skipped: count('skipped'),
    failed: count('failed'),
    durationMs: monotonicMs() - started,
    results,
  };
}

function toRequest(target: WarmTarget, baseHeaders: Record<string, string>): Request {
  const raw = typeof target === 'string' ? target : target?.url;
  if (typeof raw !== 'string' || raw === '') {
    throw new PolicyError('targets', 'warm(): every target must be a URL string or { url, headers }');
  }
  // The Host: the target's own header, else an absolute URL's host, else the options' headers.
  const headers = { ...baseHeaders };
  let path = raw;
  if (!raw.startsWith('/')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new PolicyError('targets', `warm(): "${raw}" is neither a path nor an absolute URL`);
    }
    path = url.pathname + url.search;
    headers.host = url.host;
  }
  Object.assign(headers, lowerCaseKeys(typeof target === 'string' ? {} : (target.headers ?? {})));
  const host = (headers.host ?? '').toLowerCase();
  return { path, headers, match: `${host} ${path.split('?', 1)[0]}` };
}

function dedupe(requests: Request[]): Request[] {
  const seen = new Set<string>();
  return requests.filter((request) => {
    const id = `${request.headers.host ?? ''} ${request.path}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The sitemap's page URLs (an index followed one level), at most `maxTargets`. */
async function readSitemap(
  dispatch: WarmDispatch,
  location: string,
  headers: Record<string, string>,
  maxTargets: number,
): Promise<string[]> {
  if (typeof location !== 'string' || location === '') {
    throw new PolicyError('sitemap', 'warm(): must be a path or an absolute URL');
  }
  const first = parseSitemap(await fetchText(dispatch, location, headers));
  const urls = first.urls.slice(0, maxTargets);
  for (const nested of first.sitemaps) {
    if (urls.length >= maxTargets) break;
    urls.push(
      ...parseSitemap(await fetchText(dispatch, nested, headers)).urls.slice(0, maxTargets - urls.length),
    );
  }
  return urls;
}

/** A path goes through the app; an absolute URL through `fetch`. */
async function fetchText(
  dispatch: WarmDispatch,
  location: string,
  headers: Record<string, string>,
): Promise<string> {
  if (location.startsWith('/')) {
    const { status, body } = await dispatch(location, headers);
    if (status !== 200) throw new Error(`warm(): sitemap ${location} answered ${status}`);
    return new TextDecoder().decode(body);
  }
  const response = await fetch(location);
  if (!response.ok) throw new Error(`warm(): sitemap ${location} answered ${response.status}`);
  return response.text();
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
