import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
  StreamableFile,
} from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type {
  CacheAnswer,
  CacheRequest,
  Origin,
  OriginContext,
  OriginResponse,
  Policy,
  ResponseHeaders,
  RouteCache,
} from '@routecache/core';
import { withVary } from '@routecache/core';
import { hasRequestBody, methodRole, routedUrl, routeLabel } from '@routecache/core/adapter';
import { lastValueFrom, Observable } from 'rxjs';
import { ROUTE_CACHE } from './route-cache.constants';
import { RouteCacheExplorer } from './route-cache.explorer';
import { BufferedBody, onReply, sendBufferedBodies } from './utils/buffered-body.util';
import { type ResponseHead, readHandlerResult, readNegativeError } from './utils/handler-result.util';
import { hideOriginHeaders, platformHost } from './utils/platform-request.util';
import {
  type PlatformResponse,
  readHeaders,
  writeContentLength,
  writeHeaders,
  writeStatus,
} from './utils/platform-response.util';
import { captureReply, isPlainResult, type ReplyCapture, sameHeaders } from './utils/reply-capture.util';
import { type PlatformRequest, rewriteRequestUrl } from './utils/request-url.util';
import type { Platform } from './utils/response-body.util';
import { type RouteMetadata, readRouteMetadata, staticResponseHead } from './utils/route-metadata.util';

/** State of one request shared by its origin runs and the answer. */
interface Exchange extends ReplyCapture {
  readonly req: PlatformRequest;
  readonly res: PlatformResponse;
  readonly handler: Function;
  readonly route: RouteMetadata;
  readonly request: CacheRequest;
  readonly policy: Policy;
  /** Headers read off the response by the foreground run: those the engine drops are removed. */
  handlerHeaders?: ResponseHeaders;
  /**
   * What middleware before the cache had set on the response (`enableCors()`'s headers), read
   * when the handler ran: never stored, left on the response.
   */
  preset?: ResponseHeaders;
  /** A body the foreground run streamed through (too large, or a stream): Nest sends it. */
  streamed?: { value: unknown };
}

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
  /** The app's settings (`enableVersioning()`): injected as a property, so subclasses keep their constructor. */
  @Inject(ApplicationConfig) protected readonly applicationConfig?: ApplicationConfig;
  /** Each route policy keyed and varied on the request header Nest picks versions by. */
  private readonly versioned = new WeakMap<Policy, Policy>();
  private warnedCustomVersioning = false;
  /** Handlers whose result the app's outer interceptors change: never refreshed detached from a request. */
  private readonly transformed = new WeakSet<Function>();
  /** Handlers whose result has reached Nest's reply as they returned it, with no header added. */
  private readonly untouched = new WeakSet<Function>();

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
    const header = policy && this.versionHeader();
    if (!policy || header === undefined) return policy;
    let keyed = this.versioned.get(policy);
    if (keyed === undefined) {
      keyed = withVary(policy, [header]);
      this.versioned.set(policy, keyed);
    }
    return keyed;
  }

  /** The request header `enableVersioning()` routes by, if any (VersioningType HEADER = 1, MEDIA_TYPE = 2). */
  private versionHeader(): string | undefined {
    const versioning = this.applicationConfig?.getVersioning();
    if (versioning === undefined) return undefined;
    if (versioning.type === 1) return versioning.header;
    if (versioning.type === 2) return 'accept';
    if (versioning.type === 3 && !this.warnedCustomVersioning) {
      this.warnedCustomVersioning = true;
      this.logger.warn(
        'Custom versioning: routecache cannot tell which request headers the extractor reads; add them to the vary of every cached versioned route, or each version may be served from one entry.',
      );
    }
    return undefined;
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
    const headers = req.raw?.headers ?? req.headers;
    const routePath = typeof req.route?.path === 'string' ? req.route.path : req.routeOptions?.url;
    const url = servedUrl(req);
    const get = (name: string): string | undefined => {
      const value = headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    return {
      method: req.method,
      host: platformHost(req, get),
      // The URL Nest routed (after a rewrite by middleware before it), and the client's when it differs.
      url,
      ...(req.originalUrl === undefined || req.originalUrl === url ? {} : { requestedUrl: req.originalUrl }),
      // Express `req.protocol` / Fastify `request.protocol`: proxy headers only when trusted.
      scheme: req.protocol,
      headers: get,
      headerRecord: headers,
      params: req.params ?? {},
      hasBody: hasRequestBody(get),
      route: routePath ? routeLabel(req.method, routePath) : undefined,
    };
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
    return new Observable<unknown>((subscriber) => {
      exchange.emit = (value) => {
        exchange.emitted = true;
        subscriber.next(value);
        subscriber.complete();
      };
      // The engine says whether a run is a background refresh (`ctx.background`).
      const origin: Origin = (ctx) => this.runHandler(exchange, next, ctx);
      // A background refresh re-subscribes to `next.handle()`, which runs the handler again with
      // the same request. Handlers that set status or headers through `@Res({ passthrough })`,
      // and routes whose result outer interceptors change, cannot be run detached from their
      // response: the next request refreshes in the foreground.
      const detachable = !exchange.route.usesResponse && !this.transformed.has(handler);
      const settle = (answer: CacheAnswer): void => {
        if (exchange.abandoned) return;
        if (exchange.deliver) {
          exchange.deliver(answer);
          return;
        }
        const body = this.send(exchange, answer);
        // Nest's reply sends this, not what outer interceptors made of it (exception filters'
        // replies aside). A body streamed through is the handler's own, which Nest streams.
        if (exchange.hooked && !answer.sent && !exchange.route.redirect) {
          onReply(exchange.res, (value, statusCode, reply) =>
            statusCode === undefined ? reply(body) : reply(value, statusCode),
          );
        }
        exchange.emit!(body);
      };
      const fail = (error: unknown): void => {
        if (!exchange.abandoned && !exchange.emitted) subscriber.error(error);
      };
      try {
        const answer = this.cache.handle(exchange.request, policy, origin, {
          refresh: detachable ? origin : undefined,
        });
        // A hit the engine answers synchronously is emitted at once (no promise to wait for).
        if (answer instanceof Promise) answer.then(settle, fail);
        else settle(answer);
      } catch (error) {
        fail(error);
      }
      return () => {
        if (!exchange.emitted) exchange.gone = true;
      };
    });
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

  /** The engine's origin: runs the handler and reads what the platform would send. */
  private async runHandler(
    exchange: Exchange,
    next: CallHandler,
    ctx: OriginContext,
  ): Promise<OriginResponse> {
    const { req, res, route } = exchange;
    const { background } = ctx;
    if (ctx.url !== exchange.request.url) rewriteRequestUrl(req, ctx.url);
    hideOriginHeaders(req);
    const preset = background ? undefined : presetHeaders(readHeaders(res), route);
    // Detached from the response, a run sees the status and headers Nest sets before handlers.
    const readHead = (): ResponseHead =>
      background
        ? staticResponseHead(route, exchange.request.method)
        : { status: res.statusCode, headers: withoutPreset(readHeaders(res), preset) };
    let value: unknown;
    try {
      value = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      const negative = readNegativeError(error, exchange.policy.statuses, readHead().headers, res);
      if (negative) return negative;
      // The exception filters send the error; the engine decides its caching headers.
      const status = error instanceof HttpException ? error.getStatus() : 500;
      if (!background) writeHeaders(res, ctx.finalizeHeaders(status, readHeaders(res)));
      throw error;
    }
    if (!background && exchange.hooked && isPlainResult(value, route)) {
      const before = readHeaders(res);
      const replied = await captureReply(res, exchange, value, {
        answer: (answer) => this.send(exchange, answer),
        failed: (status) => writeHeaders(res, ctx.finalizeHeaders(status, readHeaders(res))),
        untouched: this.untouched.has(exchange.handler) && !this.transformed.has(exchange.handler),
      });
      if (replied !== value || !sameHeaders(before, readHeaders(res))) this.transformed.add(exchange.handler);
      else this.untouched.add(exchange.handler);
      value = replied;
    }
    const head = readHead();
    if (!background) exchange.handlerHeaders = head.headers;
    const result = await readHandlerResult(value, head, route, res, ctx.maxBodyBytes);
    if (result.buffered) {
      // The request as the handler answered it: a later interceptor may have changed it.
      const served = { method: req.method, url: servedUrl(req) };
      return { ...result.response, served, ...(preset && { preset }) };
    }
    return this.streamThrough(exchange, ctx, result.status, result.headers, result.value);
  }

  /**
   * A body the cache cannot buffer (over `maxBodyBytes`, or a stream): in the foreground its
   * final headers go on the response and Nest streams it; a background run drops it.
   */
  private streamThrough(
    exchange: Exchange,
    ctx: OriginContext,
    status: number,
    headers: ResponseHeaders,
    value: unknown,
  ): OriginResponse {
    if (ctx.background) {
      const stream = value instanceof StreamableFile ? value.getStream() : value;
      (stream as { destroy?: () => void }).destroy?.();
    } else {
      writeHeaders(exchange.res, ctx.finalizeHeaders(status, headers), exchange.handlerHeaders);
      exchange.streamed = { value };
    }
    return { status, headers, body: null };
  }
}

/** The URL Nest routed `req` by: Fastify's `request.url`, Express's mount path plus `req.url`. */
function servedUrl(req: PlatformRequest): string {
  return req.raw ? req.url : routedUrl(req.baseUrl, req.url, req.originalUrl);
}

/**
 * The headers on the response before the handler ran that middleware set: all of them but
 * the route's own `@Header()`s, which Nest sets before interceptors and which are its answer.
 */
function presetHeaders(headers: ResponseHeaders, route: RouteMetadata): ResponseHeaders | undefined {
  let preset: ResponseHeaders | undefined;
  for (const name in headers) {
    if (route.headers.some((header) => header.name === name)) continue;
    preset ??= {};
    preset[name] = headers[name]!;
  }
  return preset;
}

/** `headers` without those still equal to what was preset. */
function withoutPreset(headers: ResponseHeaders, preset: ResponseHeaders | undefined): ResponseHeaders {
  if (preset === undefined) return headers;
  for (const name in preset) {
    const value = headers[name];
    if (value !== undefined && String(value) === String(preset[name])) delete headers[name];
  }
  return headers;
}
