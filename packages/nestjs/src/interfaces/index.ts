export type { RouteCacheModuleExtras, RouteCacheModuleOptions } from './route-cache-module-options.interface';
