/**
 * `@routecache/core/node`: Node-only helpers the adapters share (warming over loopback HTTP).
 */
export { createHttpDispatch } from './http-dispatch';
