import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Header,
  HttpException,
  Injectable,
  type NestInterceptor,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import {
  METHOD_OVERRIDE_HEADERS,
  REFLECTED_HEADERS,
  REWRITE_HEADERS,
} from '../../../../test-support/adversarial-app-spec';
import { CachePolicy } from '../../src';

/** Express's `req` or Fastify's `request`, as far as these handlers read them. */
interface AnyRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  raw?: { method?: string; url?: string };
}

/** The URL as a handler reads it: Express `req.originalUrl`, Fastify `request.url`. */
function seenUrl(req: AnyRequest): string {
  return req.raw ? req.url : (req.originalUrl ?? req.url);
}

function header(req: AnyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** After routecache's global interceptor: honours rewrite and method-override headers. */
@Injectable()
export class RewriteAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AnyRequest>();
    const target = req.raw ?? req;
    for (const name of REWRITE_HEADERS) {
      const url = header(req, name);
      if (url !== undefined) {
        target.url = url;
        if (!req.raw) req.originalUrl = url;
      }
    }
    for (const name of METHOD_OVERRIDE_HEADERS) {
      const method = header(req, name);
      if (method !== undefined) target.method = method.toUpperCase();
    }
    return next.handle();
  }
}

function page(req: AnyRequest, name: string): string {
  if (req.method === 'HEAD') return '';
  const path = seenUrl(req).split('?')[0];
  return path === `/${name}` ? name : `${name} at ${path}`;
}

@Controller()
@UseInterceptors(RewriteAfterInterceptor)
export class AdversarialController {
  @Get('reflect')
  @CachePolicy({ maxAge: 60 })
  reflect(@Req() req: AnyRequest): unknown {
    const headers: Record<string, string> = {};
    for (const name of REFLECTED_HEADERS) {
      const value = header(req, name);
      if (value !== undefined) headers[name] = value;
    }
    return { method: req.method, url: seenUrl(req), headers };
  }

  @Get('page')
  @CachePolicy({ maxAge: 60 })
  page(@Req() req: AnyRequest): string {
    return page(req, 'page');
  }

  @Get('admin')
  @CachePolicy({ maxAge: 60 })
  admin(@Req() req: AnyRequest): string {
    return page(req, 'admin');
  }

  @Get('account')
  @CachePolicy({ scope: 'private', maxAge: 60, identify: (req) => req.headers('x-user') })
  account(@Req() req: AnyRequest): string {
    return `account of ${header(req, 'x-user') ?? 'nobody'}`;
  }

  @Get('assets/*')
  @CachePolicy({ maxAge: 60 })
  asset(): string {
    return 'asset';
  }

  @Get('body')
  @CachePolicy({ maxAge: 60 })
  body(@Req() req: AnyRequest & { body?: unknown }): string {
    return `body=${typeof req.body === 'string' ? req.body : ''}`;
  }

  private variedRuns = 0;

  @Get('varied')
  @CachePolicy({ maxAge: 60 })
  @Header('Vary', 'X-Variant')
  async varied(@Req() req: AnyRequest): Promise<string> {
    const run = ++this.variedRuns;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return `variant ${header(req, 'x-variant')} run ${run}`;
  }

  @Get('cpdos')
  @CachePolicy({ maxAge: 60 })
  cpdos(@Req() req: AnyRequest): string {
    if ((header(req, 'x-big') ?? '').length > 1000) throw new HttpException('too large', 431);
    if (header(req, 'x-bad') !== undefined) throw new HttpException('bad header', 400);
    if (header(req, 'x-crash') !== undefined) throw new Error('crash');
    return 'cpdos ok';
  }
}
