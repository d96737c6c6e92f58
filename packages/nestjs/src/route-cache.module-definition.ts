import {
  ConfigurableModuleBuilder,
  type ConfigurableModuleCls,
  type DynamicModule,
  type Provider,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PolicyError } from '@routecache/core';
import type { RouteCacheModuleExtras, RouteCacheModuleOptions } from './interfaces';
import { ROUTE_CACHE_EARLY_HITS, ROUTE_CACHE_OPTIONS } from './route-cache.constants';
import { RouteCacheInterceptor } from './route-cache.interceptor';
import { overriddenRequestHook } from './utils/request-hooks.util';

const DEFAULT_EXTRAS: RouteCacheModuleExtras = {
  isGlobal: true,
  interceptor: RouteCacheInterceptor,
  earlyHits: false,
};

function applyExtras(definition: DynamicModule, extras: RouteCacheModuleExtras): DynamicModule {
  const earlyHits = extras.earlyHits ?? false;
  if (typeof earlyHits !== 'boolean')
    throw new PolicyError('earlyHits', `must be a boolean, got ${typeof earlyHits}`);
  const hook =
    earlyHits && extras.interceptor && overriddenRequestHook(extras.interceptor, RouteCacheInterceptor);
  if (hook) {
    throw new PolicyError(
      'earlyHits',
      `cannot be combined with an interceptor that overrides ${hook}(): the early door answers before any interceptor runs`,
    );
  }
  const providers: Provider[] = [
    ...(definition.providers ?? []),
    { provide: ROUTE_CACHE_EARLY_HITS, useValue: earlyHits },
  ];
  if (extras.interceptor) {
    const interceptor = extras.interceptor as unknown as typeof RouteCacheInterceptor;
    providers.push(interceptor);
    providers.push({ provide: APP_INTERCEPTOR, useExisting: interceptor });
  }
  return { ...definition, global: extras.isGlobal ?? true, providers };
}

/** The base class `RouteCacheModule` extends: `forRoot()` and `forRootAsync()`. */
export const ConfigurableModuleClass: ConfigurableModuleCls<
  RouteCacheModuleOptions,
  'forRoot',
  'create',
  RouteCacheModuleExtras
> = new ConfigurableModuleBuilder<RouteCacheModuleOptions>({
  moduleName: 'RouteCache',
  optionsInjectionToken: ROUTE_CACHE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras(DEFAULT_EXTRAS, applyExtras)
  .build().ConfigurableModuleClass;
