/**
 * Memory bound: RSS and L1 bytes while 1,000,000 distinct keys are written into an L1 limited to
 * 64 MiB, for a 2 KB body and a small (64 B) body where keys and headers dominate. L1 bytes must
 * stay within the bound; RSS growth is reported as it is.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REGISTER } from '../src/snapshot.mjs';

const FILL = fileURLToPath(new URL('./memory-fill.mjs', import.meta.url));
const MiB = 1024 * 1024;

function fill(keys, maxBytes, bodyBytes, samples) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        REGISTER,
        FILL,
        String(keys),
        String(maxBytes),
        String(bodyBytes),
        String(samples),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: fileURLToPath(new URL('..', import.meta.url)),
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      const lines = out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      if (code !== 0)
        return reject(
          new Error(`memory fill exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`),
        );
      resolve(lines);
    });
  });
}

const mib = (n) => (n / MiB).toFixed(1);

export const memory = {
  title: 'Memory bound: 1,000,000 distinct keys into an L1 limited to 64 MiB',
  async run(config, log) {
    const keys = config.quick ? 200_000 : 1_000_000;
    const maxBytes = 64 * MiB;
    const sections = [];
    const data = [];
    for (const bodyBytes of [2048, 64]) {
      log(`  filling ${keys.toLocaleString('en-US')} keys with ${bodyBytes} B bodies…`);
      const lines = await fill(keys, maxBytes, bodyBytes, 10);
      if (lines[0]?.unavailable) throw new Error(`not available: ${lines[0].unavailable}`);
      const samples = lines.filter((l) => l.written !== undefined);
      const done = lines.find((l) => l.done);
      const base = samples[0];
      const last = samples.at(-1);
      const within = done.maxL1Bytes <= maxBytes;
      log(
        `  ${bodyBytes} B: L1 max ${mib(done.maxL1Bytes)} MiB (${within ? 'within' : 'OVER'} 64 MiB), RSS ${mib(base.rss)} → ${mib(last.rss)} MiB, ${done.seconds.toFixed(1)} s`,
      );
      data.push({ bodyBytes, samples, done });
      sections.push(
        `**${bodyBytes} B bodies**: ${keys.toLocaleString('en-US')} keys in ${done.seconds.toFixed(1)} s; largest L1 size seen ${mib(done.maxL1Bytes)} MiB ` +
          `(${within ? '**within**' : '**over**'} the 64 MiB bound); RSS grew ${mib(last.rss - base.rss)} MiB.`,
        '',
        '| keys written | L1 entries | L1 MiB (store estimate) | heap used MiB (after GC) | array buffers MiB | RSS MiB |',
        '|---:|---:|---:|---:|---:|---:|',
        ...samples.map(
          (s) =>
            `| ${s.written.toLocaleString('en-US')} | ${s.l1Entries.toLocaleString('en-US')} | ${mib(s.l1Bytes)} | ${mib(s.heapUsed)} | ${mib(s.arrayBuffers)} | ${mib(s.rss)} |`,
        ),
        '',
      );
    }
    sections.push(
      'Entries go through `cache.handle()` (the path every adapter takes) with a fresh body buffer each, into',
      '`memoryStore({ maxBytes: 64 MiB })`. "L1 MiB" is the store\'s own accounting (body plus an estimate of key,',
      'headers and tags); the gap between it and heap + array buffers shows what the estimate leaves out. RSS also',
      'keeps memory the allocator has not returned to the system after evictions.',
    );
    return { markdown: sections.join('\n'), data };
  },
};
