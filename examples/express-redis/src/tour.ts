/** The two-instance tour the start script prints and the test runs: one Host, two instances. */
export interface TourStep {
  readonly shows: string;
  /** Which instance the request goes to. */
  readonly to: 'A' | 'B';
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * The cache keys by host; behind a load balancer every instance sees the same `Host`, so the
 * tour sends one too.
 */
export const SHOP_HOST = 'shop.local';

const path = '/api/products/1';
const host = { Host: SHOP_HOST };

/** miss on B → L2 hit on A → L1 hit on B → update on A → B misses and shows the new price. */
export const TOUR: readonly TourStep[] = [
  {
    shows: 'B: a miss, B runs the handler and stores the answer in Redis',
    to: 'B',
    method: 'GET',
    path,
    headers: host,
  },
  { shows: "A: a hit from Redis (computedBy B: B's run)", to: 'A', method: 'GET', path, headers: host },
  { shows: 'B: a hit from its in-process L1', to: 'B', method: 'GET', path, headers: host },
  {
    shows: 'A: an update; A invalidates the product:1 tag (in Redis and, through the bus, in every L1)',
    to: 'A',
    method: 'POST',
    path,
    headers: { ...host, 'Content-Type': 'application/json' },
    body: JSON.stringify({ price: 1000 }),
  },
  {
    shows: 'B: a miss, the new price (the invalidation on A reached B)',
    to: 'B',
    method: 'GET',
    path,
    headers: host,
  },
];

/** The step as a copy-pasteable `curl -i` line. */
export function toCurl(baseUrl: string, step: TourStep): string {
  const parts = ['curl -i'];
  if (step.method !== 'GET') parts.push(`-X ${step.method}`);
  for (const [name, value] of Object.entries(step.headers)) parts.push(`-H '${name}: ${value}'`);
  if (step.body !== undefined) parts.push(`-d '${step.body}'`);
  parts.push(baseUrl + step.path);
  return parts.join(' ');
}
