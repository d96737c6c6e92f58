/** `@routecache/core/testing`, re-exported so that one install line per framework suffices. */
export * from '@routecache/core/testing';
