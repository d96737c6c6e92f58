import type { CacheStats, LayerStats, RouteStats } from '../types';

/** A counter of `RouteStats`. */
export type StatName = keyof RouteStats;

/** Counts cache outcomes in total and per route label. */
export interface StatsRecorder {
  /** Adds one to `name`, in the total and, when `route` is given, in that route's counters. */
  count(name: StatName, route: string | undefined): void;
  /** A snapshot: totals, per route, and the store's per-layer counters. */
  snapshot(layers: Partial<Record<'l1' | 'l2', LayerStats>> | undefined): CacheStats;
}

/** Most route labels tracked; labels are route patterns, so this is only a guard against misuse. */
const MAX_ROUTES = 1000;

function emptyStats(): RouteStats {
  return { hits: 0, misses: 0, stale: 0, coalesced: 0, bypass: 0, stored: 0, notModified: 0, errors: 0 };
}

/** Creates the counters behind `RouteCache.stats()`. */
export function createStatsRecorder(): StatsRecorder {
  const total = emptyStats();
  const routes = new Map<string, RouteStats>();

  /** The last route counted and its counters: a busy route is counted many times in a row. */
  let lastRoute: string | undefined;
  let lastStats: RouteStats | undefined;

  function routeStats(route: string): RouteStats | undefined {
    if (route === lastRoute) return lastStats;
    let stats = routes.get(route);
    if (!stats && routes.size < MAX_ROUTES) {
      stats = emptyStats();
      routes.set(route, stats);
    }
    lastRoute = route;
    lastStats = stats;
    return stats;
  }

  return {
    count(name: StatName, route: string | undefined): void {
      total[name]++;
      if (route !== undefined) {
        const stats = routeStats(route);
        if (stats) stats[name]++;
      }
    },
    snapshot(layers: Partial<Record<'l1' | 'l2', LayerStats>> | undefined): CacheStats {
      const snapshot: CacheStats = { ...total, routes: {} };
      for (const [route, stats] of routes) snapshot.routes[route] = { ...stats };
      if (layers?.l1) snapshot.l1 = { ...layers.l1 };
      if (layers?.l2) snapshot.l2 = { ...layers.l2 };
      return snapshot;
    },
  };
}
