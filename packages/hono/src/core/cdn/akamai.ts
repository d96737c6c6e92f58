/** `@routecache/core/cdn/akamai`, re-exported so that one install line per framework suffices. */
export * from '@routecache/core/cdn/akamai';
