/**
 * Child process of the memory scenario (run with --expose-gc): fills 1,000,000 distinct keys
 * through `cache.handle()` into an L1 `memoryStore({ maxBytes })` and prints one JSON line per
 * sample: keys written, RSS, heap used (after a full GC), L1 bytes and entries.
 *
 * argv: <keys> <maxBytes> <bodyBytes> <samples>
 */
const [keys, maxBytes, bodyBytes, samples] = process.argv.slice(2).map(Number);

let core;
try {
  core = await import('@routecache/core');
} catch (error) {
  console.log(
    JSON.stringify({
      unavailable: `@routecache/core cannot be loaded (${String(error.message).split('\n')[0]})`,
    }),
  );
  process.exit(0);
}
const { createCache, memoryStore } = core;
// The default \`maxEntries\` (100,000): the byte bound binds first for both body sizes. (A much
// larger one would add lru-cache's per-slot arrays, ~16 B a slot, to every figure below.)
const store = memoryStore({ maxBytes });
if (typeof store.usage !== 'function') {
  console.log(JSON.stringify({ unavailable: 'memoryStore() exposes no usage()' }));
  process.exit(0);
}
const cache = createCache({ store });
const policy = cache.definePolicy({ maxAge: 3600 });
const template = new Uint8Array(bodyBytes).fill(120);
const headers = () => undefined;
const origin = async () => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: template.slice(),
});

async function sample(written) {
  // V8 frees array buffer memory on a concurrent sweeper after a GC: a pause and a second GC
  // let it finish, so freed bodies are not counted.
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 20));
  globalThis.gc?.();
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
  const usage = store.usage();
  console.log(
    JSON.stringify({ written, rss, heapUsed, arrayBuffers, l1Bytes: usage.bytes, l1Entries: usage.entries }),
  );
}

await sample(0);
const every = Math.floor(keys / samples);
let maxL1 = 0;
const started = performance.now();
for (let i = 1; i <= keys; i++) {
  const answer = await cache.handle(
    { method: 'GET', host: 'bench.local', url: `/items/${i}?page=${i % 7}`, headers },
    policy,
    origin,
  );
  if (answer.status !== 200) throw new Error(`key ${i}: status ${answer.status}`);
  if ((i & 1023) === 0) maxL1 = Math.max(maxL1, store.usage().bytes);
  if (i % every === 0) await sample(i);
}
console.log(
  JSON.stringify({
    done: true,
    seconds: (performance.now() - started) / 1000,
    maxL1Bytes: maxL1,
    stats: cache.stats(),
  }),
);
