/** `@routecache/core/node`, re-exported so that one install line per framework suffices. */
export * from '@routecache/core/node';
