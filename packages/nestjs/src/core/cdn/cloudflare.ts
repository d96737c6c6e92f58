/** `@routecache/core/cdn/cloudflare`, re-exported so that one install line per framework suffices. */
export * from '@routecache/core/cdn/cloudflare';
