import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { EarlyHits, RouteCache } from '@routecache/core';
import { ROUTE_CACHE, ROUTE_CACHE_EARLY_HITS } from './route-cache.constants';
import { type DoorAdapter, openEarlyDoor } from './utils/early-door.util';
import { versionSelector } from './utils/versioning.util';

/**
 * The opt-in early door (`earlyHits: true`): public fresh hits answered before Nest's guards,
 * pipes and interceptors, from the entries `RouteCacheInterceptor` stores (the engine's
 * `RouteCache.earlyHits()`: the interceptor teaches it which policy each request shape is
 * routed to). Opened when the app initializes, after `enableVersioning()`.
 */
@Injectable()
export class RouteCacheEarlyHits {
  private readonly logger = new Logger('RouteCache');
  /** The door, once open; `undefined` when `earlyHits` is off or it could not open. */
  door: EarlyHits | undefined;

  constructor(
    @Inject(ROUTE_CACHE_EARLY_HITS) private readonly enabled: boolean,
    @Inject(ROUTE_CACHE) private readonly cache: RouteCache,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ApplicationConfig) private readonly applicationConfig: ApplicationConfig,
  ) {}

  /**
   * Opens the door on the HTTP adapter (once). Under custom versioning, whose extractor may read
   * any request header to pick the handler, it stays closed, with a warning.
   */
  open(): void {
    if (!this.enabled || this.door) return;
    const adapter = this.adapterHost.httpAdapter as DoorAdapter | undefined;
    if (!adapter || !this.cache.earlyHits) return;
    const selector = versionSelector(this.applicationConfig.getVersioning());
    if (selector === 'custom') {
      this.logger.warn(
        'earlyHits: custom versioning picks handlers by what its extractor reads, which the early door cannot see; the door stays closed (hits are answered by the interceptor).',
      );
      return;
    }
    const door = this.cache.earlyHits({ selectors: selector ? [selector.header] : [] });
    if (openEarlyDoor(adapter, door)) this.door = door;
  }
}
