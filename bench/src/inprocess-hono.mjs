/**
 * In-process A/B of the Hono hit path, for development (not part of `pnpm bench`): our L1 hit and
 * 304 against the prebuilt answers of `hono-floor-middleware` / `hono-floor-304`, through
 * @hono/node-server's own request listener with a fake socket pair, so neither the network nor
 * the kernel adds noise. What it prints is the CPU our code adds per request on a hot core
 * (±0.05 µs between runs); on a real server the same code costs about 3-4 times more (cold
 * caches), so it ranks changes, the wrk subjects measure them.
 *
 * Run: `pnpm build && node bench/src/inprocess-hono.mjs` (the packages' `dist/`, not the snapshot).
 */
import { getRequestListener } from '@hono/node-server';
import { routeCache } from '@routecache/hono';
import { Hono } from 'hono';
import { BODY, HIT_HEADERS, NOT_MODIFIED_HEADERS } from './workload.mjs';

const REQUESTS = 200_000;
const ROUNDS = 5;

function apps() {
  const floor = new Hono();
  floor.get(
    '/r',
    () => new Response(BODY, { status: 200, headers: { ...HIT_HEADERS } }),
    (c) => c.body(BODY),
  );
  const floor304 = new Hono();
  floor304.get(
    '/r',
    (c) =>
      c.req.raw.headers.has('if-none-match')
        ? new Response(null, { status: 304, headers: { ...NOT_MODIFIED_HEADERS } })
        : new Response(BODY, { status: 200, headers: { ...HIT_HEADERS } }),
    (c) => c.body(BODY),
  );
  const rc = routeCache();
  const ours = new Hono();
  ours.get('/r', rc.policy({ maxAge: 3600 }), (c) =>
    c.body(BODY, 200, { 'content-type': 'application/json' }),
  );
  return { floor, ours, floor304, ours304: ours };
}

/** What @hono/node-server writes to: the status and headers of the last response. */
const outgoing = {
  last: undefined,
  writeHead(status, headers) {
    this.last = { status, headers };
  },
  end() {},
  on() {},
  once() {},
  hasHeader: () => false,
  headersSent: false,
  writable: true,
};

function incoming(etag) {
  const headers = { host: '127.0.0.1:8080' };
  const rawHeaders = ['Host', '127.0.0.1:8080'];
  if (etag) {
    headers['if-none-match'] = etag;
    rawHeaders.push('If-None-Match', etag);
  }
  return {
    method: 'GET',
    url: '/r',
    headers,
    rawHeaders,
    socket: { encrypted: false },
    readableEnded: true,
    on() {},
    once() {},
  };
}

async function run(listener, count, etag) {
  for (let i = 0; i < count; i++) {
    const sent = listener(incoming(etag), outgoing);
    if (sent?.then) await sent;
  }
}

const listeners = Object.fromEntries(
  Object.entries(apps()).map(([name, app]) => [name, getRequestListener(app.fetch)]),
);
await run(listeners.ours, 1);
const etag = outgoing.last.headers.etag;
const perRequest = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, listener] of Object.entries(listeners)) {
    const start = process.cpuUsage();
    await run(listener, REQUESTS, name.endsWith('304') ? etag : undefined);
    const used = process.cpuUsage(start);
    perRequest[name] ??= [];
    perRequest[name].push((used.user + used.system) / REQUESTS);
  }
}
const median = (values) => values.toSorted((a, b) => a - b)[values.length >> 1];
for (const [ours, floor] of [
  ['ours', 'floor'],
  ['ours304', 'floor304'],
]) {
  const a = median(perRequest[ours]);
  const b = median(perRequest[floor]);
  console.log(
    `${ours.padEnd(8)} ${a.toFixed(3)} µs/req, prebuilt ${b.toFixed(3)}: ours adds ${(a - b).toFixed(3)} µs`,
  );
}
