/** What a result was measured on: recorded with every run and printed in the doc. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

function tryRun(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    return String(error.stdout ?? error.stderr ?? '').trim();
  }
}

function packageVersion(name) {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

/** The exact command this run was started with, as the user typed it where we can tell. */
export function commandLine(argv = process.argv.slice(2)) {
  const args = argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
  const prefix = process.env.npm_lifecycle_event === 'bench' ? 'pnpm bench' : 'node bench/run.mjs';
  return args ? `${prefix} ${args}` : prefix;
}

export function describeEnvironment() {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    command: commandLine(),
    node: process.version,
    v8: process.versions.v8,
    os: `Linux ${release()}`,
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    wrk: (tryRun('wrk', ['-v']).split('\n')[0] || 'not found').replace(/\s*Copyright.*$/, ''),
    autocannon: packageVersion('autocannon'),
    redis:
      tryRun('redis-server', ['--version'])
        .replace(/^Redis server v=/, '')
        .split(' ')[0] || 'not found',
    loadAverageAtStart: loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
    versions: {
      express: packageVersion('express'),
      hono: packageVersion('hono'),
      '@hono/node-server': packageVersion('@hono/node-server'),
      '@nestjs/core': packageVersion('@nestjs/core'),
      '@nestjs/platform-fastify': packageVersion('@nestjs/platform-fastify'),
      apicache: packageVersion('apicache'),
      '@nestjs/cache-manager': packageVersion('@nestjs/cache-manager'),
      ioredis: packageVersion('ioredis'),
    },
  };
}
