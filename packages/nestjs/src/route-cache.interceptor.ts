import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { CacheAnswer, CacheRequest, HandleOptions, Origin, Policy, RouteCache } from '@routecache/core';
import { methodRole, routeLabel } from '@routecache/core/adapter';
import { type Observable, of, throwError } from 'rxjs';
import { ROUTE_CACHE } from './route-cache.constants';
import { RouteCacheEarlyHits } from './route-cache.early-hits';
import { RouteCacheExplorer } from './route-cache.explorer';
import { BufferedBody, replyWith, sendBufferedBodies } from './utils/buffered-body.util';
import { readCacheRequest } from './utils/cache-request.util';
import type { Exchange } from './utils/exchange.util';
import { type HandlerRunHooks, runHandler } from './utils/handler-run.util';
import { pendingAnswer } from './utils/pending-answer.util';
import {
  type PlatformResponse,
  writeContentLength,
  writeHeaders,
  writeStatus,
} from './utils/platform-response.util';
import { overriddenRequestHook } from './utils/request-hooks.util';
import type { PlatformRequest } from './utils/request-url.util';
import type { Platform } from './utils/response-body.util';
import { type RouteMetadata, readRouteMetadata } from './utils/route-metadata.util';
import { VersionedPolicies } from './utils/versioning.util';

/** `handle()` options of a route that is refreshed in the foreground only. */
const NO_REFRESH: HandleOptions = {};

/**
 * Full-response caching for Nest routes with a `@CachePolicy()`. It translates the request for
 * the engine (`RouteCache.handle()`), runs the handler as the engine's origin (serializing its
 * result the way the platform would, with the status and headers Nest and the handler set),
 * then writes the engine's answer on the platform response and hands Nest the body to send.
 * Every caching decision is the engine's. Works on Express and Fastify.
 *
 * Override the `protected` hooks to change which routes and requests are cached.
 */
@Injectable()
export class RouteCacheInterceptor implements NestInterceptor {
  protected readonly logger: Logger = new Logger('RouteCache');
  private readonly warned = new WeakSet<Function>();
  /** The early door (`earlyHits`), taught here which policy each request shape is routed to: a property, as below. */
  @Optional() @Inject(RouteCacheEarlyHits) protected readonly earlyHits?: RouteCacheEarlyHits;
  /** False for subclasses that override a request hook the door cannot apply: they teach it nothing. */
  private readonly teachesDoor: boolean =
    overriddenRequestHook(this.constructor, RouteCacheInterceptor) === undefined;
  /** The app's settings (`enableVersioning()`): injected as a property, so subclasses keep their constructor. */
  @Inject(ApplicationConfig) protected readonly applicationConfig?: ApplicationConfig;
  /** Each route policy keyed and varied on the request header Nest picks versions by. */
  private readonly versions = new VersionedPolicies(this.logger);
  /** Handlers whose result the app's outer interceptors change: never refreshed detached from a request. */
  private readonly transformed = new WeakSet<Function>();
  /** Handlers whose result has reached Nest's reply as they returned it, with no header added. */
  private readonly untouched = new WeakSet<Function>();
  /** Stats labels of GET routes by path (`routeLabel()`). */
  private readonly labels = new Map<string, string>();

  constructor(
    @Inject(ROUTE_CACHE) protected readonly cache: RouteCache,
    @Inject(RouteCacheExplorer) protected readonly explorer: RouteCacheExplorer,
    @Inject(HttpAdapterHost) protected readonly adapterHost: HttpAdapterHost,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // GraphQL, WebSocket and microservice contexts pass through untouched.
    if (context.getType() !== 'http') return next.handle();
    // Safe methods other than GET/HEAD (OPTIONS, …) neither use nor change the cache.
    if (methodRole(context.getArgByIndex<PlatformRequest>(0).method) === 'none') return next.handle();
    const policy = this.getPolicy(context);
    if (!policy || !this.isRequestCacheable(context)) return next.handle();
    // Once per adapter (the adapter may be set after this is built): it then sends the answer's
    // `BufferedBody` in one write instead of as a stream.
    const hooked = sendBufferedBodies(this.adapterHost.httpAdapter);
    return this.respond(context, next, policy, hooked);
  }

  /**
   * The route's policy: its method's `@CachePolicy()`, else its controller's; none passes it
   * through. Under header or media-type versioning, the header Nest selects the handler by
   * (`x-api-version`, `Accept`) is keyed and varied on too: each version gets its own entry.
   */
  protected getPolicy(context: ExecutionContext): Policy | undefined {
    const policy = this.explorer.policyOf(context.getHandler(), context.getClass());
    return policy && this.versions.policyFor(policy, this.applicationConfig?.getVersioning());
  }

  /**
   * False for routes whose response is sent another way: a bare `@Res()` / `@Next()` (the
   * handler sends it; warned once per route), `@Sse()` and `@Render()`.
   */
  protected isRequestCacheable(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    const route = readRouteMetadata(context.getClass(), handler);
    if (route.sendsItself) {
      if (!this.warned.has(handler)) {
        this.warned.add(handler);
        this.logger.warn(
          `${context.getClass().name}.${handler.name}() injects @Res() without { passthrough: true }, so it sends its own response: it is not cached. Use @Res({ passthrough: true }) to cache it.`,
        );
      }
      return false;
    }
    return !route.notCacheable;
  }

  /** The request as the engine sees it. */
  protected toCacheRequest(context: ExecutionContext): CacheRequest {
    // `getArgByIndex()` rather than `switchToHttp()`, which adds three closures to the context.
    const req = context.getArgByIndex<PlatformRequest>(0);
    const routePath = typeof req.route?.path === 'string' ? req.route.path : req.routeOptions?.url;
    return readCacheRequest(req, routePath ? this.routeLabel(req.method, routePath) : undefined);
  }

  /** `routeLabel()`, kept per route path for GET and HEAD (one label each): no string built per hit. */
  private routeLabel(method: string, path: string): string {
    if (method !== 'GET' && method !== 'HEAD') return routeLabel(method, path);
    let label = this.labels.get(path);
    if (label === undefined) {
      label = routeLabel(method, path);
      this.labels.set(path, label);
    }
    return label;
  }

  /**
   * The value Nest sends for an answer (status and headers are already on the response): the
   * body as a `BufferedBody`, a `StreamableFile` which other interceptors
   * (`ClassSerializerInterceptor`) leave alone and which the adapter sends byte for byte in
   * one write; `{ url, statusCode }` on `@Redirect()` routes; nothing for an empty body.
   */
  protected toNestResult(answer: CacheAnswer, route: RouteMetadata): unknown {
    if (route.redirect) return { url: answer.headers.location, statusCode: answer.status };
    if (!answer.body || answer.body.byteLength === 0) return undefined;
    return new BufferedBody(answer.body);
  }

  private platform(): Platform {
    return this.adapterHost.httpAdapter?.getType() ?? 'express';
  }

  /**
   * Answers through the engine. Nest runs the app's global interceptors in the order their
   * modules were scanned, the root module's first, so an `APP_INTERCEPTOR` of the app is
   * outside this one and maps what it emits. A miss therefore emits the handler's value and
   * stores what Nest's `reply()` then gets from those interceptors, serialized by the platform;
   * every answer (a hit, a waiter, the miss) is sent at that reply, whatever they made of the
   * value emitted, so an outer envelope is in the entry once and never wraps it again.
   */
  private respond(
    context: ExecutionContext,
    next: CallHandler,
    policy: Policy,
    hooked: boolean,
  ): Observable<unknown> {
    const handler = context.getHandler();
    const exchange: Exchange = {
      req: context.getArgByIndex<PlatformRequest>(0),
      res: context.getArgByIndex<PlatformResponse>(1),
      handler,
      route: readRouteMetadata(context.getClass(), handler),
      request: this.toCacheRequest(context),
      policy,
      hooked,
    };
    if (this.teachesDoor) this.earlyHits?.door?.learn(exchange.request, policy);
    // The engine says whether a run is a background refresh (`ctx.background`).
    // Only a run (a miss, a refresh) builds what it needs of this interceptor; a hit builds nothing.
    const origin: Origin = (ctx) => runHandler(exchange, next, ctx, this.runHooks(exchange));
    // A background refresh re-subscribes to `next.handle()`, which runs the handler again with
    // the same request. Handlers that set status or headers through `@Res({ passthrough })`,
    // and routes whose result outer interceptors change, cannot be run detached from their
    // response: the next request refreshes in the foreground.
    const detachable = !exchange.route.usesResponse && !this.transformed.has(handler);
    let answer: CacheAnswer | Promise<CacheAnswer>;
    try {
      answer = this.cache.handle(
        exchange.request,
        policy,
        origin,
        detachable ? { refresh: origin } : NO_REFRESH,
      );
    } catch (error) {
      return throwError(() => error);
    }
    // A hit the engine answers synchronously: its value at once, as a prebuilt answer would be
    // (no observable of our own, no promise, no closure over the subscriber).
    if (!(answer instanceof Promise)) return of(this.settle(exchange, answer));
    return pendingAnswer(exchange, answer, (answer) => this.settle(exchange, answer));
  }

  /** What a handler run of `exchange` reports to and asks of this interceptor. */
  private runHooks(exchange: Exchange): HandlerRunHooks {
    const handler = exchange.handler;
    return {
      send: (answer) => this.send(exchange, answer),
      untouched: () => this.untouched.has(handler) && !this.transformed.has(handler),
      reached: (changed) => {
        (changed ? this.transformed : this.untouched).add(handler);
      },
    };
  }

  /**
   * Writes an answer on the response and returns the value Nest replies with. Nest's reply
   * sends this, not what outer interceptors made of it (exception filters' replies aside). A
   * body streamed through is the handler's own, which Nest streams.
   */
  private settle(exchange: Exchange, answer: CacheAnswer): unknown {
    const body = this.send(exchange, answer);
    if (exchange.hooked && !answer.sent && !exchange.route.redirect)
      replyWith(exchange.res, body as BufferedBody | undefined);
    return body;
  }

  /** Writes the answer's status and headers on the response; returns the value Nest sends. */
  private send(exchange: Exchange, answer: CacheAnswer): unknown {
    if (answer.sent) return exchange.streamed?.value;
    writeStatus(exchange.res, answer.status);
    writeHeaders(exchange.res, answer.headers, exchange.handlerHeaders);
    // A HEAD answer has no body for the platform to measure: the GET's length, as the engine
    // gives it. Fastify sets a HEAD's length from the payload it then drops, so it gets one of
    // that length (zeros; never sent).
    const length = answer.body === null ? answer.headers['content-length'] : undefined;
    if (typeof length === 'string' && exchange.request.method === 'HEAD') {
      if (this.platform() === 'fastify') return new BufferedBody(new Uint8Array(Number(length) || 0));
      writeContentLength(exchange.res, length);
    }
    return this.toNestResult(answer, exchange.route);
  }
}
