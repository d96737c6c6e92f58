/** `@routecache/core/otel`, re-exported so that one install line per framework suffices. */
export * from '@routecache/core/otel';
