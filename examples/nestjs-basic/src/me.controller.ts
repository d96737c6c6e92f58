import { Controller, Get, Headers } from '@nestjs/common';
import { CachePolicy } from '@routecache/nestjs';

@Controller('me')
export class MeController {
  // Private: browsers only; the server keeps one entry per user. A real app would identify
  // the user from its session or token; the demo trusts an `X-User-Id` header.
  @Get()
  @CachePolicy({ scope: 'private', maxAge: 30, identify: (req) => req.headers('x-user-id') })
  me(@Headers('x-user-id') userId?: string): { userId: string | null; greeting: string } {
    return { userId: userId ?? null, greeting: userId ? `Hello, user ${userId}` : 'Hello, guest' };
  }
}
