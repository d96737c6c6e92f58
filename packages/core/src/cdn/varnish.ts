/**
 * `@routecache/core/cdn/varnish`: purges one or more Varnish nodes (Node only).
 *
 * - Tags: `PURGE /` with `xkey-purge: <tags, space separated>` (or `xkey-softpurge` for a soft
 *   purge), which the VCL shipped in `docs/varnish/routecache.vcl` hands to varnish-modules'
 *   `xkey.purge()` / `xkey.softpurge()` (https://github.com/varnish/varnish-modules/blob/master/src/vmod_xkey.vcc).
 *   The VCL copies our `Surrogate-Key` header into `xkey` when it stores a response.
 * - URLs: `PURGE <path?query>` with the public `Host`, which the VCL turns into `return (purge)`
 *   (https://varnish-cache.org/docs/7.1/users-guide/purging.html) or, with `x-purge-soft: 1`,
 *   vmod_purge's `purge.soft()` (https://varnish-cache.org/docs/7.1/reference/vmod_purge.html).
 *
 * Every node gets every purge; a node that fails makes the call fail (and be retried on all of
 * them: purges are idempotent).
 */
import { PolicyError } from '../errors';
import { type FetchLike, sendPurgeRequest } from './http-purge';
import { nodeHttpFetch } from './node-http-fetch';
import type { PurgeCallOptions, Purger } from './purger';

/** Options for `varnishPurger()`. */
export interface VarnishPurgerOptions {
  /** Base URLs of the Varnish nodes that receive purges, e.g. `['http://10.0.0.5:6081']`. */
  nodes: readonly string[];
  /**
   * Name in stats, logs and errors.
   * @default 'varnish'
   */
  name?: string;
  /**
   * Most bytes of tags in one `xkey-purge` header (Varnish's `http_req_hdr_len` is 8 KiB by
   * default).
   * @default 4096
   */
  maxHeaderBytes?: number;
  /**
   * The HTTP client. It must send the `Host` header it is given (Node's `fetch` does not).
   * @default a small client over `node:http`
   */
  fetch?: FetchLike;
}

/**
 * A `Purger` for Varnish with the routecache VCL (xkey for tags, `PURGE` for URLs).
 *
 * @see https://github.com/routecache/routecache#cdn
 * @example
 * import { varnishPurger } from '@routecache/core/cdn/varnish';
 * const cache = createCache({ cdn: varnishPurger({ nodes: ['http://127.0.0.1:6081'] }) });
 */
export function varnishPurger(options: VarnishPurgerOptions): Purger {
  const name = options.name ?? 'varnish';
  if (!Array.isArray(options.nodes) || options.nodes.length === 0)
    throw new PolicyError('nodes', 'must list at least one Varnish base URL');
  const nodes = options.nodes.map((node, index) => {
    try {
      return new URL(node).origin;
    } catch {
      throw new PolicyError(`nodes[${index}]`, `must be a URL such as 'http://127.0.0.1:6081'`);
    }
  });
  const maxHeaderBytes = options.maxHeaderBytes ?? 4096;
  if (!Number.isInteger(maxHeaderBytes) || maxHeaderBytes < 64)
    throw new PolicyError('maxHeaderBytes', 'must be a whole number of bytes >= 64');
  const fetchImpl = options.fetch ?? nodeHttpFetch;

  function everyNode(path: string, headers: Record<string, string>, call: PurgeCallOptions): Promise<void> {
    return Promise.all(
      nodes.map((node) =>
        sendPurgeRequest(
          name,
          { url: `${node}${path}`, method: 'PURGE', headers, signal: call.signal },
          fetchImpl,
        ),
      ),
    ).then(() => undefined);
  }

  return {
    name,
    tagHeader: 'surrogate-key',
    targetedCacheControl: 'cdn-cache-control',
    softPurge: true,
    limits: { tags: 1000, urls: 1, bytes: maxHeaderBytes },
    purgeTags(tags, call) {
      return everyNode('/', { [call.soft ? 'xkey-softpurge' : 'xkey-purge']: tags.join(' ') }, call);
    },
    async purgeUrls(urls, call) {
      for (const url of urls) {
        const { host, pathname, search } = new URL(url);
        await everyNode(
          `${pathname}${search}`,
          { host, ...(call.soft ? { 'x-purge-soft': '1' } : {}) },
          call,
        );
      }
    },
  };
}
