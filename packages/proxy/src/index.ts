/** `@routecache/proxy`: a caching reverse proxy on routecache's header-driven shared-cache mode. */
export { createProxy, type ProxyOptions, type RouteCacheProxy } from './create-proxy';
export { HOP_BY_HOP_HEADERS, readConnectionOptions, removeHopByHop } from './hop-by-hop';
export { UpstreamError } from './upstream-request';
