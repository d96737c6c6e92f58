import { Controller, Get } from '@nestjs/common';
import type { HealthReport } from '@routecache/nestjs';
// Value import, not `import type`: Nest injects by the emitted `design:paramtypes`.
import { NoCache, RouteCacheService } from '@routecache/nestjs';

/** Readiness probes and dashboards: the cache's health report (L1, L2 and bus when Redis is on, hit ratios). */
@Controller('health')
export class HealthController {
  constructor(private readonly routeCache: RouteCacheService) {}

  @Get()
  @NoCache()
  health(): Promise<HealthReport> {
    return this.routeCache.health();
  }
}
