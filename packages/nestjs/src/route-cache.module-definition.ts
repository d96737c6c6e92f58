import {
  ConfigurableModuleBuilder,
  type ConfigurableModuleCls,
  type DynamicModule,
  type Provider,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { RouteCacheModuleExtras, RouteCacheModuleOptions } from './interfaces';
import { ROUTE_CACHE_OPTIONS } from './route-cache.constants';
import { RouteCacheInterceptor } from './route-cache.interceptor';

const DEFAULT_EXTRAS: RouteCacheModuleExtras = { isGlobal: true, interceptor: RouteCacheInterceptor };

function applyExtras(definition: DynamicModule, extras: RouteCacheModuleExtras): DynamicModule {
  const providers: Provider[] = [...(definition.providers ?? [])];
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
