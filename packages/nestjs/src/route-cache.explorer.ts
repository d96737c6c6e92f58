import { Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type Policy, PolicyError, type PolicyInput } from '@routecache/core';
import { type AdapterCache } from '@routecache/core/adapter';
import { CACHE_POLICY_METADATA, NO_CACHE, ROUTE_CACHE_ADAPTER } from './route-cache.constants';

type PolicyMetadata = PolicyInput | typeof NO_CACHE;

/**
 * Resolves `@CachePolicy()` metadata into validated policies. On module init it visits every
 * controller method and validates its policy, so that an invalid one fails start-up with the
 * controller, the method and the field in the message (not the first request).
 */
@Injectable()
export class RouteCacheExplorer implements OnModuleInit {
  private readonly resolved = new WeakMap<PolicyInput, Policy>();
  /** Per handler: the controller it was last resolved for, and its policy (the hot path). */
  private readonly routes = new WeakMap<Function, { controller: Type; policy: Policy | undefined }>();

  constructor(
    @Inject(ROUTE_CACHE_ADAPTER) private readonly adapter: AdapterCache,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller?.prototype) continue;
      for (const method of this.scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[method] as (...args: unknown[]) => unknown;
        const onMethod = this.reflector.get<PolicyMetadata | undefined>(CACHE_POLICY_METADATA, handler);
        this.policyOf(handler, controller, onMethod ? `${controller.name}.${method}()` : controller.name);
      }
    }
  }

  /** The route's policy (method first, then class), or `undefined` for `@NoCache()` / no decorator. */
  policyOf(handler: Function, controller: Type, where?: string): Policy | undefined {
    const known = this.routes.get(handler);
    if (known?.controller === controller) return known.policy;
    const policy = this.resolve(handler, controller, where);
    this.routes.set(handler, { controller, policy });
    return policy;
  }

  private resolve(handler: Function, controller: Type, where: string | undefined): Policy | undefined {
    const input = this.reflector.getAllAndOverride<PolicyMetadata | undefined>(CACHE_POLICY_METADATA, [
      handler,
      controller,
    ]);
    if (input === undefined || input === NO_CACHE) return undefined;
    let policy = this.resolved.get(input);
    if (!policy) {
      policy = this.define(input, where ?? `${controller.name}.${handler.name}()`);
      this.resolved.set(input, policy);
    }
    return policy;
  }

  private define(input: PolicyInput, where: string): Policy {
    try {
      return this.adapter.definePolicy(input);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      const named = new PolicyError(error.field, error.reason);
      named.message = `@CachePolicy() on ${where}: ${error.message}`;
      named.cause = error;
      throw named;
    }
  }
}
